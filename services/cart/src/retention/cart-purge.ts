import type { Database } from '@mercato/platform/db';
import { createPeriodicWorker } from '@mercato/platform/http';
import type { Logger } from '@mercato/platform/logging';
import type { Worker } from '@mercato/platform/service';
import { cartRepository as repo } from '../carts/cart-repository.ts';
import type { CartStore } from '../carts/cart-store.ts';
import type { CartDB } from '../db.ts';

export interface CartPurgeOptions {
  database: Database<CartDB>;
  /** Where the deleted carts' cached documents are dropped. */
  store: Pick<CartStore, 'forget'>;
  logger: Logger;
  /** The service's clock (tests move it): expiry is measured with it. */
  now: () => number;
  /** How long an expired cart is kept before it is deleted. */
  retentionMs: number;
  intervalMs: number;
  batch: number;
}

/**
 * One round: carts that expired more than `retentionMs` ago — whatever their status: an
 * abandoned one left to its TTL, a merged or checked-out one after its last use — are
 * deleted from PostgreSQL, batch after batch until none is left, and their cache entries
 * dropped. An expired cart already answers 404; the retention only keeps its row a while
 * (support, analytics) before the table stops growing with it.
 */
export async function purgeExpired(opts: Omit<CartPurgeOptions, 'intervalMs' | 'logger'>): Promise<number> {
  let total = 0;
  for (;;) {
    const cutoff = new Date(opts.now() - opts.retentionMs);
    const ids = await opts.database.transaction((trx) => repo.deleteExpired(trx, cutoff, opts.batch));
    // The cache's own TTL ends with the cart's expiry; this covers a clock that disagrees.
    for (const id of ids) await opts.store.forget(id);
    total += ids.length;
    if (ids.length < opts.batch) return total;
  }
}

/** The periodic worker running purgeExpired every intervalMs. */
export function createCartPurger(opts: CartPurgeOptions): Worker {
  return createPeriodicWorker({
    name: 'cart-purge',
    intervalMs: opts.intervalMs,
    logger: opts.logger,
    run: async () => {
      const n = await purgeExpired(opts);
      if (n > 0) opts.logger.info({ carts: n }, 'expired carts deleted');
    },
  });
}
