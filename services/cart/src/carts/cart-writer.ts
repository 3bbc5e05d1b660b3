import { isUniqueViolation, type Transaction } from '@mercato/platform/db';
import { checkVersion, type ExpectedVersion } from '@mercato/platform/http';
import type { AnyEventDraft } from '@mercato/platform/messaging';
import type { ServiceContext } from '@mercato/platform/service';
import { randomUUID } from 'node:crypto';
import type { CartDB } from '../db.ts';
import { canReach, closed, notFound, type Caller } from './cart-access.ts';
import type { CartRecord } from './cart.ts';
import { cartRepository as repo } from './cart-repository.ts';
import type { CartStore } from './cart-store.ts';

export interface CartWriterDeps {
  ctx: Pick<ServiceContext<CartDB>, 'database' | 'outbox'>;
  store: CartStore;
  now: () => number;
  ttlMs: (cart: Pick<CartRecord, 'customerId'>) => number;
}

/** What every cart change is made of: reading with reachability, locking, stamping, creating. */
export interface CartWriter {
  /** The cart if this caller may reach it (404 otherwise: another's cart is not acknowledged). */
  reachable(caller: Caller, id: string): Promise<CartRecord>;
  /**
   * One change of one active cart: the row locked; reachability, expiry, status and If-Match
   * checked on the database's copy; the change (stamped by `changed`) and its event committed
   * together; then the new document cached. A stale If-Match drops the cached copy
   * (cart-store.ts explains why).
   */
  mutate(
    caller: Caller,
    id: string,
    expected: ExpectedVersion,
    change: (cart: CartRecord) => CartRecord,
    event: (next: CartRecord) => AnyEventDraft,
  ): Promise<CartRecord>;
  /** The active cart, locked in trx, if it has not expired (else 404 / 409 CART_CLOSED). */
  lockActive(trx: Transaction<CartDB>, id: string, caller?: Caller): Promise<CartRecord>;
  /** A record stamped as changed now: version + 1, activity, sliding expiry. */
  changed(cart: CartRecord): CartRecord;
  /** The customer's active cart in trx, created when they have none (one per customer). */
  customerCart(
    trx: Transaction<CartDB>,
    customerId: string,
    create: { currency: string; country: string | null },
  ): Promise<{ cart: CartRecord; created: boolean }>;
  newCart(
    trx: Transaction<CartDB>,
    customerId: string | null,
    currency: string,
    country: string | null,
  ): Promise<CartRecord>;
  /** Runs fn once more when a concurrent request created the customer's cart first (unique index). */
  retryOnceOnUnique<T>(fn: () => Promise<T>): Promise<T>;
}

export function createCartWriter({ ctx, store, now, ttlMs }: CartWriterDeps): CartWriter {
  const iso = (ms: number) => new Date(ms).toISOString();

  const writer: CartWriter = {
    async reachable(caller, id) {
      const cart = await store.get(id);
      if (!cart || !canReach(caller, cart)) throw notFound(id);
      return cart;
    },

    async lockActive(trx, id, caller) {
      const cart = await repo.findById(trx, id, { forUpdate: true });
      if (!cart || (caller && !canReach(caller, cart)) || Date.parse(cart.expiresAt) <= now()) {
        throw notFound(id);
      }
      if (cart.status !== 'active') throw closed(cart);
      return cart;
    },

    async mutate(caller, id, expected, change, event) {
      let stale = false;
      try {
        const saved = await ctx.database.transaction(async (trx) => {
          const cart = await writer.lockActive(trx, id, caller);
          stale = true;
          checkVersion(expected, cart.version);
          stale = false;
          const next = writer.changed(change(cart));
          await repo.update(trx, next);
          await ctx.outbox.add(trx, event(next));
          return next;
        });
        await store.put(saved);
        return saved;
      } catch (err) {
        if (stale) await store.forget(id);
        throw err;
      }
    },

    changed(cart) {
      const t = now();
      return {
        ...cart,
        version: cart.version + 1,
        updatedAt: iso(t),
        touchedAt: iso(t),
        expiresAt: iso(t + ttlMs(cart)),
      };
    },

    async customerCart(trx, customerId, create) {
      const existing = await repo.findActiveByCustomer(trx, customerId, { forUpdate: true });
      if (existing) return { cart: existing, created: false };
      return { cart: await writer.newCart(trx, customerId, create.currency, create.country), created: true };
    },

    async newCart(trx, customerId, currency, country) {
      const t = now();
      const cart: CartRecord = {
        // Random (v4, 122 random bits), not UUIDv7: a guest cart's id is its only key, and a
        // v7 id gives away its creation time and keeps 74 bits random (README, "Who reaches a cart").
        id: randomUUID(),
        customerId,
        status: 'active',
        currency,
        country,
        lines: [],
        codes: [],
        version: 1,
        createdAt: iso(t),
        updatedAt: iso(t),
        touchedAt: iso(t),
        expiresAt: iso(t + ttlMs({ customerId })),
        abandonedAt: null,
        mergedInto: null,
        checkoutId: null,
      };
      await repo.insert(trx, cart);
      return cart;
    },

    async retryOnceOnUnique(fn) {
      try {
        return await fn();
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        return fn();
      }
    },
  };
  return writer;
}
