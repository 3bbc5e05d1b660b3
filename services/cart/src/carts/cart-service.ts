import type { VariantSnapshot } from '@mercato/contracts';
import type { Principal } from '@mercato/platform/auth';
import { isUniqueViolation, type Transaction } from '@mercato/platform/db';
import { AppError, CommonErrors } from '@mercato/platform/errors';
import { checkVersion, type ExpectedVersion } from '@mercato/platform/http';
import type { ServiceContext } from '@mercato/platform/service';
import { randomUUID } from 'node:crypto';
import type { CartDB } from '../db.ts';
import { CartErrors } from '../errors.ts';
import type { TaxSettingsReader } from '../pricing/tax-settings.ts';
import { lookupAvailability, lookupVariants, sellableUnits, type CartClients } from '../upstream/calls.ts';
import {
  MAX_LINES,
  MAX_QUANTITY,
  type AddLineInput,
  type CartLine,
  type CartRecord,
  type CartView,
  type CreateCartInput,
  type UpdateCartInput,
} from './cart.ts';
import { cartEventFields, cartUpdated, type UpdateReason } from './cart-events.ts';
import { cartRepository as repo } from './cart-repository.ts';
import type { CartStore } from './cart-store.ts';
import { createCartViewer } from './cart-view.ts';
import { mergeLines } from './cart-merge.ts';

/** Who calls: a signed-in principal, or nobody (a guest holding a cart id). */
export interface Caller {
  principal?: Principal | undefined;
}

export interface CartService {
  create(caller: Caller, input: CreateCartInput): Promise<{ cart: CartView; created: boolean }>;
  get(caller: Caller, id: string): Promise<CartView>;
  mine(caller: Caller): Promise<CartView>;
  update(caller: Caller, id: string, input: UpdateCartInput, expected: ExpectedVersion): Promise<CartView>;
  addLine(caller: Caller, id: string, input: AddLineInput, expected: ExpectedVersion): Promise<CartView>;
  setQuantity(
    caller: Caller,
    id: string,
    sku: string,
    quantity: number,
    expected: ExpectedVersion,
  ): Promise<CartView>;
  removeLine(caller: Caller, id: string, sku: string, expected: ExpectedVersion): Promise<CartView>;
  merge(caller: Caller, guestCartId: string): Promise<CartView>;
  checkout(
    caller: Caller,
    id: string,
    checkoutId: string | undefined,
    expected: ExpectedVersion,
  ): Promise<CartView>;
}

export interface CartServiceDeps {
  ctx: Pick<ServiceContext<CartDB>, 'database' | 'outbox' | 'logger'> & { clients: CartClients };
  store: CartStore;
  tax: TaxSettingsReader;
  now: () => number;
  ttlMs: (cart: Pick<CartRecord, 'customerId'>) => number;
  defaultCurrency: string;
}

/** Services and admins (permission carts:write) reach every cart; the checkout saga is one. */
const PRIVILEGED = 'carts:write';

/** A signed-in person (not a service or an API key) has a customer cart of their own. */
function customerOf(caller: Caller): string | undefined {
  return caller.principal?.kind === 'user' ? caller.principal.subject : undefined;
}

/** A guest cart is reached by its id; a customer's only by that customer (or a privileged caller). */
function canReach(caller: Caller, cart: CartRecord): boolean {
  if (cart.customerId === null) return true;
  if (caller.principal?.permissions.includes(PRIVILEGED)) return true;
  return customerOf(caller) === cart.customerId;
}

const notFound = (id: string) => CartErrors.CART_NOT_FOUND(`no cart ${id}`);

function quantityLimit(sku: string, quantity: number): AppError {
  return CartErrors.CART_QUANTITY_LIMIT(
    `a line holds at most ${MAX_QUANTITY} units; ${sku} would hold ${quantity}`,
    {
      errors: [{ path: '/body/quantity', message: `at most ${MAX_QUANTITY} units per line` }],
    },
  );
}

function insufficient(sku: string, requested: number, available: number): AppError {
  return CartErrors.CART_INSUFFICIENT_STOCK(`${available} of ${sku} available, ${requested} requested`, {
    errors: [
      {
        path: '/body/quantity',
        message: `${available} available, ${requested} requested`,
        sku,
        available,
        requested,
      } as { path: string; message: string },
    ],
  });
}

function snapshotOf(v: VariantSnapshot): CartLine['snapshot'] {
  return {
    variantId: v.variantId,
    productId: v.productId,
    title: v.title,
    options: v.options,
    image: v.image,
    unitPrice: v.price,
    weightGrams: v.weightGrams,
    brandHandle: v.brandHandle,
    categoryHandles: v.categoryHandles,
  };
}

export function createCartService(deps: CartServiceDeps): CartService {
  const { ctx, store, now } = deps;
  const viewer = createCartViewer(ctx.clients, deps.tax, ctx.logger);
  const iso = (ms: number) => new Date(ms).toISOString();

  /** The cart if this caller may reach it (404 otherwise: another's cart is not acknowledged). */
  async function reachable(caller: Caller, id: string): Promise<CartRecord> {
    const cart = await store.get(id);
    if (!cart || !canReach(caller, cart)) throw notFound(id);
    return cart;
  }

  /** A record stamped as changed now (version, activity, sliding expiry). */
  function changed(cart: CartRecord): CartRecord {
    const t = now();
    return {
      ...cart,
      version: cart.version + 1,
      updatedAt: iso(t),
      touchedAt: iso(t),
      expiresAt: iso(t + deps.ttlMs(cart)),
    };
  }

  /**
   * One change of one cart: the row locked, reachability, status and If-Match checked on
   * the database's copy, the change and its cart.updated event committed together, then the
   * new document cached. A stale If-Match drops the cached copy (see cart-store.ts).
   */
  async function mutate(
    caller: Caller,
    id: string,
    expected: ExpectedVersion,
    reason: UpdateReason,
    change: (cart: CartRecord) => CartRecord,
  ): Promise<CartRecord> {
    let stale = false;
    try {
      const saved = await ctx.database.transaction(async (trx) => {
        const cart = await repo.findById(trx, id, { forUpdate: true });
        if (!cart || !canReach(caller, cart) || Date.parse(cart.expiresAt) <= now()) throw notFound(id);
        if (cart.status !== 'active')
          throw CartErrors.CART_CLOSED(`cart ${id} is ${cart.status.replace('_', ' ')}`);
        stale = true;
        checkVersion(expected, cart.version);
        stale = false;
        const next = changed(change(cart));
        await repo.update(trx, next);
        await ctx.outbox.add(trx, cartUpdated(next, reason));
        return next;
      });
      await store.put(saved);
      return saved;
    } catch (err) {
      if (stale) await store.forget(id);
      throw err;
    }
  }

  async function newCart(
    trx: Transaction<CartDB>,
    customerId: string | null,
    currency: string,
    country: string | null,
  ) {
    const t = now();
    const cart: CartRecord = {
      // Random (v4, 122 random bits), not UUIDv7: a guest cart's id is its only key, and a
      // v7 id gives away its creation time and keeps 74 bits random (README, "Guest carts").
      id: randomUUID(),
      customerId,
      status: 'active',
      currency,
      country,
      lines: [],
      version: 1,
      createdAt: iso(t),
      updatedAt: iso(t),
      touchedAt: iso(t),
      expiresAt: iso(t + deps.ttlMs({ customerId })),
      abandonedAt: null,
      mergedInto: null,
      checkoutId: null,
    };
    await repo.insert(trx, cart);
    return cart;
  }

  async function currencyFor(input: { currency?: string | undefined }): Promise<string> {
    if (input.currency) return input.currency;
    return (await deps.tax.get()).currency ?? deps.defaultCurrency;
  }

  /** The customer's active cart, created when they have none (one per customer: a unique index). */
  async function customerCart(
    trx: Transaction<CartDB>,
    customerId: string,
    create: { currency: string; country: string | null },
  ): Promise<{ cart: CartRecord; created: boolean }> {
    const existing = await repo.findActiveByCustomer(trx, customerId, { forUpdate: true });
    if (existing) return { cart: existing, created: false };
    return { cart: await newCart(trx, customerId, create.currency, create.country), created: true };
  }

  /** Runs fn once more when a concurrent request created the customer's cart first. */
  async function retryOnceOnUnique<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      return fn();
    }
  }

  return {
    async create(caller, input) {
      const currency = await currencyFor(input);
      const customerId = customerOf(caller);
      const { cart, created } = await retryOnceOnUnique(() =>
        ctx.database.transaction(async (trx) =>
          customerId
            ? customerCart(trx, customerId, { currency, country: input.country ?? null })
            : { cart: await newCart(trx, null, currency, input.country ?? null), created: true },
        ),
      );
      await store.put(cart);
      return { cart: await viewer.view(cart), created };
    },

    async get(caller, id) {
      return viewer.view(await reachable(caller, id));
    },

    async mine(caller) {
      const customerId = customerOf(caller);
      if (!customerId)
        throw CartErrors.CART_CUSTOMER_ONLY('sign in as a customer to have a cart of your own');
      const found = await repo.findActiveByCustomer(ctx.database.db, customerId);
      if (!found) throw CartErrors.CART_NOT_FOUND('you have no active cart; POST /api/v1/carts creates it');
      return viewer.view((await store.get(found.id)) ?? found);
    },

    async update(caller, id, input, expected) {
      const saved = await mutate(caller, id, expected, 'details_changed', (cart) => ({
        ...cart,
        country: input.country,
      }));
      return viewer.view(saved);
    },

    async addLine(caller, id, input, expected) {
      // Catalog and inventory are asked before the row is locked: no lock waits on HTTP.
      const current = await reachable(caller, id);
      const [variants, availability] = await Promise.all([
        lookupVariants(ctx.clients, [input.sku]),
        lookupAvailability(ctx.clients, [input.sku]),
      ]);
      const variant = variants.get(input.sku);
      if (!variant) {
        throw CartErrors.CART_SKU_NOT_FOUND(`no variant has SKU ${input.sku}`, {
          errors: [{ path: '/body/sku', message: 'unknown SKU' }],
        });
      }
      if (!variant.sellable) throw CartErrors.CART_SKU_NOT_SELLABLE(`${input.sku} is not for sale`);
      if (variant.price.currency !== current.currency) {
        throw CartErrors.CART_CURRENCY_MISMATCH(
          `${input.sku} is priced in ${variant.price.currency}, the cart is in ${current.currency}`,
        );
      }
      const units = sellableUnits(availability.get(input.sku));
      const saved = await mutate(caller, id, expected, 'line_added', (cart) => {
        const existing = cart.lines.find((l) => l.sku === input.sku);
        const quantity = (existing?.quantity ?? 0) + input.quantity;
        if (quantity > MAX_QUANTITY) throw quantityLimit(input.sku, quantity);
        if (quantity > units) throw insufficient(input.sku, quantity, units);
        if (existing) {
          return { ...cart, lines: cart.lines.map((l) => (l === existing ? { ...l, quantity } : l)) };
        }
        if (cart.lines.length >= MAX_LINES) {
          throw CartErrors.CART_LINE_LIMIT(`the cart already holds ${MAX_LINES} lines`);
        }
        const line: CartLine = {
          sku: input.sku,
          quantity,
          addedAt: iso(now()),
          snapshot: snapshotOf(variant),
          deactivated: false,
        };
        return { ...cart, lines: [...cart.lines, line] };
      });
      return viewer.view(saved);
    },

    async setQuantity(caller, id, sku, quantity, expected) {
      const current = await reachable(caller, id);
      if (!current.lines.some((l) => l.sku === sku)) throw CartErrors.CART_LINE_NOT_FOUND(`no line ${sku}`);
      const availability = await lookupAvailability(ctx.clients, [sku]);
      const units = sellableUnits(availability.get(sku));
      const saved = await mutate(caller, id, expected, 'line_changed', (cart) => {
        const line = cart.lines.find((l) => l.sku === sku);
        if (!line) throw CartErrors.CART_LINE_NOT_FOUND(`no line ${sku}`);
        // Lowering a line is always allowed: it never asks for stock that is not there.
        if (quantity > line.quantity && quantity > units) throw insufficient(sku, quantity, units);
        return { ...cart, lines: cart.lines.map((l) => (l === line ? { ...l, quantity } : l)) };
      });
      return viewer.view(saved);
    },

    async removeLine(caller, id, sku, expected) {
      const saved = await mutate(caller, id, expected, 'line_removed', (cart) => {
        if (!cart.lines.some((l) => l.sku === sku)) throw CartErrors.CART_LINE_NOT_FOUND(`no line ${sku}`);
        return { ...cart, lines: cart.lines.filter((l) => l.sku !== sku) };
      });
      return viewer.view(saved);
    },

    async merge(caller, guestCartId) {
      const customerId = customerOf(caller);
      if (!customerId) throw CartErrors.CART_CUSTOMER_ONLY('sign in as a customer to merge a guest cart');
      const guest = await store.get(guestCartId);
      if (!guest) throw notFound(guestCartId);
      if (guest.customerId !== null) {
        if (guest.customerId !== customerId) throw notFound(guestCartId);
        throw CartErrors.CART_NOT_A_GUEST_CART('this is your own cart, not a guest cart');
      }
      const availability = await lookupAvailability(
        ctx.clients,
        guest.lines.map((l) => l.sku),
      );
      const [target, closed] = await retryOnceOnUnique(() =>
        ctx.database.transaction(async (trx) => {
          const g = await repo.findById(trx, guestCartId, { forUpdate: true });
          if (!g || Date.parse(g.expiresAt) <= now()) throw notFound(guestCartId);
          if (g.status !== 'active')
            throw CartErrors.CART_CLOSED(`cart ${guestCartId} is ${g.status.replace('_', ' ')}`);
          const { cart } = await customerCart(trx, customerId, { currency: g.currency, country: g.country });
          const merged = changed(mergeLines(cart, g, (sku) => sellableUnits(availability.get(sku))));
          const gone = changed({ ...g, status: 'merged' as const, mergedInto: cart.id });
          await repo.update(trx, merged);
          await repo.update(trx, gone);
          await ctx.outbox.addMany(trx, [cartUpdated(merged, 'merged_in'), cartUpdated(gone, 'merged_away')]);
          return [merged, gone] as const;
        }),
      );
      await store.put(target);
      await store.put(closed);
      return viewer.view(target);
    },

    async checkout(caller, id, checkoutId, expected) {
      const current = await reachable(caller, id);
      // A repeat for the same checkout answers the closed cart again.
      if (current.status === 'checked_out' && (checkoutId ?? null) === current.checkoutId) {
        return viewer.view(current);
      }
      let saved: CartRecord;
      try {
        saved = await ctx.database.transaction(async (trx) => {
          const cart = await repo.findById(trx, id, { forUpdate: true });
          if (!cart || !canReach(caller, cart) || Date.parse(cart.expiresAt) <= now()) throw notFound(id);
          if (cart.status !== 'active')
            throw CartErrors.CART_CLOSED(`cart ${id} is ${cart.status.replace('_', ' ')}`);
          checkVersion(expected, cart.version);
          if (cart.lines.length === 0) throw CartErrors.CART_EMPTY('an empty cart cannot be checked out');
          const next = changed({ ...cart, status: 'checked_out', checkoutId: checkoutId ?? null });
          await repo.update(trx, next);
          await ctx.outbox.add(trx, {
            type: 'cart.checked_out',
            subject: next.id,
            data: { ...cartEventFields(next), checkoutId: next.checkoutId },
          });
          return next;
        });
      } catch (err) {
        if (err instanceof AppError && err.code === CommonErrors.PRECONDITION_FAILED().code)
          await store.forget(id);
        throw err;
      }
      await store.put(saved);
      return viewer.view(saved);
    },
  };
}
