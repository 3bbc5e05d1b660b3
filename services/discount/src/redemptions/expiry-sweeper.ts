import { createPeriodicWorker } from '@mercato/platform/http';
import type { Logger } from '@mercato/platform/logging';
import type { Worker } from '@mercato/platform/service';
import type { RedemptionService } from './redemption-service.ts';

/**
 * Releases held redemptions past their expiry, every `intervalMs`, in batches. Safe with
 * several replicas: a batch claims its rows with FOR UPDATE SKIP LOCKED and a held-status
 * condition, so each hold is given back (and announced) once.
 */
export function createExpirySweeper(
  redemptions: RedemptionService,
  opts: { intervalMs: number; batch: number; logger: Logger },
): Worker {
  return createPeriodicWorker({
    name: 'redemption-expiry-sweeper',
    intervalMs: opts.intervalMs,
    logger: opts.logger,
    async run() {
      let n: number;
      do {
        n = await redemptions.expireDue(opts.batch);
        if (n > 0) opts.logger.info({ released: n }, 'expired discount holds released');
      } while (n === opts.batch);
    },
  });
}
