import type { VariantSnapshot } from '@mercato/contracts';
import type { AppError } from '@mercato/platform/errors';
import type { ExpectedVersion } from '@mercato/platform/http';
import type { ServiceContext } from '@mercato/platform/service';
import type { CartDB } from '../db.ts';
import { CartErrors } from '../errors.ts';
import type { TaxSettingsReader } from '../pricing/tax-settings.ts';
import { lookupAvailability, lookupVariants, sellableUnits, type CartClients } from '../upstream/calls.ts';
import { customerOf, type Caller } from './cart-access.ts';
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
import { cartEventFields, cartUpdated } from './cart-events.ts';
import { mergeGuestCart } from './cart-merge.ts';
import { cartRepository as repo } from './cart-repository.ts';
import type { CartStore } from './cart-store.ts';
import { createCartViewer } from './cart-view.ts';
import { createCartWriter } from './cart-writer.ts';
import { createDiscountCodes } from './discount-codes.ts';

export type { Caller } from './cart-access.ts';

type Write<A extends unknown[]> = (
  caller: Caller,
  id: string,
  ...args: [...A, ExpectedVersion]
) => Promise<CartView>;

/** The cart's use cases; every one answers the cart as a reader sees it (revalidated). */
export interface CartService {
  create(caller: Caller, input: CreateCartInput): Promise<{ cart: CartView; created: boolean }>;
  get(caller: Caller, id: string): Promise<CartView>;
  mine(caller: Caller): Promise<CartView>;
  merge(caller: Caller, guestCartId: string): Promise<CartView>;
  update: Write<[input: UpdateCartInput]>;
  addLine: Write<[input: AddLineInput]>;
  setQuantity: Write<[sku: string, quantity: number]>;
  removeLine: Write<[sku: string]>;
  applyCode: Write<[code: string]>;
  removeCode: Write<[code: string]>;
  checkout: Write<[checkoutId: string | undefined]>;
}

export interface CartServiceDeps {
  ctx: Pick<ServiceContext<CartDB>, 'database' | 'outbox' | 'logger'> & { clients: CartClients };
  store: CartStore;
  tax: TaxSettingsReader;
  now: () => number;
  ttlMs: (cart: Pick<CartRecord, 'customerId'>) => number;
  defaultCurrency: string;
}

function quantityLimit(sku: string, quantity: number): AppError {
  return CartErrors.CART_QUANTITY_LIMIT(
    `a line holds at most ${MAX_QUANTITY} units; ${sku} would hold ${quantity}`,
    {
      errors: [{ path: '/body/quantity', message: `at most ${MAX_QUANTITY} units per line` }],
    },
  );
}

function insufficient(sku: string, requested: number, available: number): AppError {
  const error = {
    path: '/body/quantity',
    message: `${available} available, ${requested} requested`,
    sku,
    available,
    requested,
  };
  return CartErrors.CART_INSUFFICIENT_STOCK(`${available} of ${sku} available, ${requested} requested`, {
    errors: [error],
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
    brandId: v.brandId,
    brandHandle: v.brandHandle,
    categoryIds: v.categoryIds,
    categoryHandles: v.categoryHandles,
  };
}

export function createCartService(deps: CartServiceDeps): CartService {
  const { ctx, store, now } = deps;
  const viewer = createCartViewer(ctx.clients, deps.tax, ctx.logger);
  const writer = createCartWriter(deps);
  const codes = createDiscountCodes(ctx.clients, writer);

  async function currencyFor(input: { currency?: string | undefined }): Promise<string> {
    if (input.currency) return input.currency;
    return (await deps.tax.get()).currency ?? deps.defaultCurrency;
  }

  return {
    async create(caller, input) {
      const currency = await currencyFor(input);
      const customerId = customerOf(caller);
      const country = input.country ?? null;
      const { cart, created } = await writer.retryOnceOnUnique(() =>
        ctx.database.transaction(async (trx) =>
          customerId
            ? writer.customerCart(trx, customerId, { currency, country })
            : { cart: await writer.newCart(trx, null, currency, country), created: true },
        ),
      );
      await store.put(cart);
      return { cart: await viewer.view(cart), created };
    },

    async get(caller, id) {
      return viewer.view(await writer.reachable(caller, id));
    },

    async mine(caller) {
      const customerId = customerOf(caller);
      if (!customerId)
        throw CartErrors.CART_CUSTOMER_ONLY('sign in as a customer to have a cart of your own');
      const found = await repo.findActiveByCustomer(ctx.database.db, customerId);
      if (!found) throw CartErrors.CART_NOT_FOUND('you have no active cart; POST /api/v1/carts creates it');
      return viewer.view((await store.get(found.id)) ?? found);
    },

    async merge(caller, guestCartId) {
      return viewer.view(await mergeGuestCart({ ctx, store, writer }, caller, guestCartId));
    },

    async update(caller, id, input, expected) {
      const saved = await writer.mutate(
        caller,
        id,
        expected,
        (cart) => ({ ...cart, country: input.country }),
        (next) => cartUpdated(next, 'details_changed'),
      );
      return viewer.view(saved);
    },

    async addLine(caller, id, input, expected) {
      // Catalog and inventory are asked before the row is locked: no lock waits on HTTP.
      // They are asked about every line of the cart at once, so the answer's revalidation
      // reuses these replies instead of asking both again (viewer.view's `known`).
      const current = await writer.reachable(caller, id);
      const skus = [...new Set([...current.lines.map((l) => l.sku), input.sku])];
      const [variants, availability] = await Promise.all([
        lookupVariants(ctx.clients, skus),
        lookupAvailability(ctx.clients, skus),
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
      const change = (cart: CartRecord): CartRecord => {
        const existing = cart.lines.find((l) => l.sku === input.sku);
        const quantity = (existing?.quantity ?? 0) + input.quantity;
        if (quantity > MAX_QUANTITY) throw quantityLimit(input.sku, quantity);
        if (quantity > units) throw insufficient(input.sku, quantity, units);
        if (existing)
          return { ...cart, lines: cart.lines.map((l) => (l === existing ? { ...l, quantity } : l)) };
        if (cart.lines.length >= MAX_LINES) {
          throw CartErrors.CART_LINE_LIMIT(`the cart already holds ${MAX_LINES} lines`);
        }
        const addedAt = new Date(now()).toISOString();
        const line: CartLine = {
          sku: input.sku,
          quantity,
          addedAt,
          snapshot: snapshotOf(variant),
          deactivated: false,
        };
        return { ...cart, lines: [...cart.lines, line] };
      };
      const saved = await writer.mutate(caller, id, expected, change, (next) =>
        cartUpdated(next, 'line_added'),
      );
      return viewer.view(saved, { variants, availability });
    },

    async setQuantity(caller, id, sku, quantity, expected) {
      const current = await writer.reachable(caller, id);
      if (!current.lines.some((l) => l.sku === sku)) throw CartErrors.CART_LINE_NOT_FOUND(`no line ${sku}`);
      const units = sellableUnits((await lookupAvailability(ctx.clients, [sku])).get(sku));
      const change = (cart: CartRecord): CartRecord => {
        const line = cart.lines.find((l) => l.sku === sku);
        if (!line) throw CartErrors.CART_LINE_NOT_FOUND(`no line ${sku}`);
        // Lowering a line is always allowed: it never asks for stock that is not there.
        if (quantity > line.quantity && quantity > units) throw insufficient(sku, quantity, units);
        return { ...cart, lines: cart.lines.map((l) => (l === line ? { ...l, quantity } : l)) };
      };
      const saved = await writer.mutate(caller, id, expected, change, (next) =>
        cartUpdated(next, 'line_changed'),
      );
      return viewer.view(saved);
    },

    async removeLine(caller, id, sku, expected) {
      const change = (cart: CartRecord): CartRecord => {
        if (!cart.lines.some((l) => l.sku === sku)) throw CartErrors.CART_LINE_NOT_FOUND(`no line ${sku}`);
        return { ...cart, lines: cart.lines.filter((l) => l.sku !== sku) };
      };
      const saved = await writer.mutate(caller, id, expected, change, (next) =>
        cartUpdated(next, 'line_removed'),
      );
      return viewer.view(saved);
    },

    async applyCode(caller, id, code, expected) {
      return viewer.view(await codes.apply(caller, id, code, expected));
    },

    async removeCode(caller, id, code, expected) {
      return viewer.view(await codes.remove(caller, id, code, expected));
    },

    async checkout(caller, id, checkoutId, expected) {
      const current = await writer.reachable(caller, id);
      // A repeat for the same checkout answers the closed cart again.
      if (current.status === 'checked_out' && (checkoutId ?? null) === current.checkoutId) {
        return viewer.view(current);
      }
      const change = (cart: CartRecord): CartRecord => {
        if (cart.lines.length === 0) throw CartErrors.CART_EMPTY('an empty cart cannot be checked out');
        return { ...cart, status: 'checked_out', checkoutId: checkoutId ?? null };
      };
      const saved = await writer.mutate(caller, id, expected, change, (next) => ({
        type: 'cart.checked_out',
        subject: next.id,
        data: { ...cartEventFields(next), checkoutId: next.checkoutId },
      }));
      return viewer.view(saved);
    },
  };
}
