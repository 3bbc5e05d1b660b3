import type { Database } from '@mercato/platform/db';
import { createPeriodicWorker } from '@mercato/platform/http';
import type { Logger } from '@mercato/platform/logging';
import type { Outbox } from '@mercato/platform/messaging';
import type { Worker } from '@mercato/platform/service';
import { cartEventFields } from '../carts/cart-events.ts';
import { cartRepository as repo } from '../carts/cart-repository.ts';
import type { CartDB } from '../db.ts';

export interface AbandonmentOptions {
  database: Database<CartDB>;
  outbox: Outbox;
  logger: Logger;
  /** The clock (tests move it): what "no change for afterMs" is measured with. */
  now: () => number;
  afterMs: number;
  intervalMs: number;
  batch: number;
}

/**
 * One round: active carts with lines and no shopper change for `afterMs` are marked
 * abandoned (abandoned_at, so once per cart) and announced with cart.abandoned, in the same
 * transaction; batch after batch until none is left. Replicas skip each other's rows.
 */
export async function sweepAbandoned(
  opts: Omit<AbandonmentOptions, 'intervalMs' | 'logger'>,
): Promise<number> {
  let total = 0;
  for (;;) {
    const now = opts.now();
    const claimed = await opts.database.transaction(async (trx) => {
      const carts = await repo.claimAbandoned(trx, new Date(now - opts.afterMs), new Date(now), opts.batch);
      await opts.outbox.addMany(
        trx,
        carts.map((c) => ({
          type: 'cart.abandoned' as const,
          subject: c.id,
          data: { ...cartEventFields(c), lastActivityAt: c.updatedAt },
        })),
      );
      return carts.length;
    });
    total += claimed;
    if (claimed < opts.batch) return total;
  }
}

/** The periodic worker running sweepAbandoned every intervalMs. */
export function createAbandonmentSweeper(opts: AbandonmentOptions): Worker {
  return createPeriodicWorker({
    name: 'cart-abandonment',
    intervalMs: opts.intervalMs,
    logger: opts.logger,
    run: async () => {
      const n = await sweepAbandoned(opts);
      if (n > 0) opts.logger.info({ carts: n }, 'carts announced as abandoned');
    },
  });
}
