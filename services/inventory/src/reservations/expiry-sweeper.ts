import { createPeriodicWorker } from '@mercato/platform/http';
import { type Worker } from '@mercato/platform/service';
import type { Logger } from '@mercato/platform/logging';
import type { ReservationService } from './reservation-service.ts';

/**
 * Releases held reservations past their expiry, every `intervalMs`, in batches. Safe with
 * several replicas: each batch claims its reservations with FOR UPDATE SKIP LOCKED and a
 * `status = 'held'` condition, so each one is released (and announced) exactly once.
 */
export function createExpirySweeper(
  reservations: ReservationService,
  opts: { intervalMs: number; batch: number; logger: Logger },
): Worker {
  return createPeriodicWorker({
    name: 'reservation-expiry-sweeper',
    intervalMs: opts.intervalMs,
    logger: opts.logger,
    async run() {
      let n: number;
      do {
        n = await reservations.expireDue(opts.batch);
        if (n > 0) opts.logger.info({ released: n }, 'expired reservations released');
      } while (n === opts.batch);
    },
  });
}
