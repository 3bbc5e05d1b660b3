import type { Cache } from '@mercato/platform/cache';
import type { Database } from '@mercato/platform/db';
import type { Logger } from '@mercato/platform/logging';
import type { CartDB } from '../db.ts';
import type { CartRecord } from './cart.ts';
import { cartRepository as repo } from './cart-repository.ts';

/**
 * Where carts live. PostgreSQL (PGlite embedded) is the durable copy: every change is
 * committed there, with its event, before it is acknowledged. The service's cache — Redis
 * in distributed mode, memory when embedded — holds the same document under `cart:<id>`
 * with the cart's remaining lifetime as TTL, so reads usually skip the database. A missing
 * entry (expired, evicted, FLUSHALL, a Redis restart) is loaded from PostgreSQL and put
 * back; a cache that fails is logged and bypassed, never trusted over the database.
 *
 * Writes never read the cache: they lock the row, so the version they check and bump is
 * the database's. After commit they put the new document. Two replicas changing one cart
 * at the same moment may put their documents in the other order; a stale entry then
 * answers an ETag the database no longer has, the write that sends it gets 412, and the
 * 412 drops the entry (`forget`), so the next read loads the current version.
 */
export interface CartStore {
  /** The cart as last committed, if it exists (any status) and has not expired. */
  get(id: string): Promise<CartRecord | undefined>;
  /** A committed cart's document into the cache (best effort). */
  put(cart: CartRecord): Promise<void>;
  /** Drops the cached document (its version was found stale). */
  forget(id: string): Promise<void>;
}

export interface CartStoreOptions {
  database: Database<CartDB>;
  cache: Cache;
  logger: Logger;
  now: () => number;
  /** Lifetime after last use of a guest's / a customer's cart. */
  ttlMs: (cart: Pick<CartRecord, 'customerId'>) => number;
  /** A read slides the expiry at most once per this. */
  touchIntervalMs: number;
}

const keyOf = (id: string) => `cart:${id}`;

export function createCartStore(opts: CartStoreOptions): CartStore {
  const { cache, logger } = opts;

  async function cacheGet(id: string): Promise<CartRecord | undefined> {
    try {
      return await cache.get<CartRecord>(keyOf(id));
    } catch (err) {
      logger.warn({ err, cartId: id }, 'cart cache read failed; reading PostgreSQL');
      return undefined;
    }
  }

  async function put(cart: CartRecord): Promise<void> {
    const ttl = Date.parse(cart.expiresAt) - opts.now();
    try {
      if (ttl <= 0) await cache.delete(keyOf(cart.id));
      else await cache.set(keyOf(cart.id), cart, ttl);
    } catch (err) {
      logger.warn({ err, cartId: cart.id }, 'cart cache write failed; PostgreSQL has the change');
    }
  }

  /** Slides the expiry of a cart that is being used, at most once per touch interval. */
  async function slide(cart: CartRecord): Promise<CartRecord> {
    const now = opts.now();
    if (now - Date.parse(cart.touchedAt) < opts.touchIntervalMs) return cart;
    const touched = {
      ...cart,
      touchedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + opts.ttlMs(cart)).toISOString(),
    };
    await repo.touch(opts.database.db, cart.id, new Date(touched.touchedAt), new Date(touched.expiresAt));
    await put(touched);
    return touched;
  }

  return {
    async get(id) {
      let cart = await cacheGet(id);
      if (!cart) {
        cart = await repo.findById(opts.database.db, id);
        if (!cart) return undefined;
        if (cart.status === 'active') await put(cart);
      }
      if (Date.parse(cart.expiresAt) <= opts.now()) return undefined;
      return cart.status === 'active' ? slide(cart) : cart;
    },
    put,
    async forget(id) {
      try {
        await cache.delete(keyOf(id));
      } catch (err) {
        logger.warn({ err, cartId: id }, 'cart cache delete failed');
      }
    },
  };
}
