import type { Worker } from '@mercato/platform/http';
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
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> | undefined;

  async function sweep(): Promise<void> {
    try {
      let n: number;
      do {
        n = await reservations.expireDue(opts.batch);
        if (n > 0) opts.logger.info({ released: n }, 'expired reservations released');
      } while (n === opts.batch && running);
    } catch (err) {
      opts.logger.warn({ err }, 'reservation sweep failed; next round retries');
    }
  }

  function schedule(): void {
    if (!running) return;
    timer = setTimeout(() => {
      current = sweep().finally(() => {
        current = undefined;
        schedule();
      });
    }, opts.intervalMs);
    timer.unref();
  }

  return {
    name: 'reservation-expiry-sweeper',
    start() {
      running = true;
      schedule();
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      await current;
    },
  };
}
