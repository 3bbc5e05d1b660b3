import type { Logger } from '../logging/index.ts';
import type { Worker } from '../service/definition.ts';

/** What a periodic worker runs, and how often. */
export interface PeriodicWorkerOptions {
  name: string;
  /** Pause between the end of one round and the start of the next. */
  intervalMs: number;
  /** One round; it may loop over batches itself. A failure is logged and the next round retries. */
  run: () => Promise<void>;
  /**
   * What `flush` runs, and `stop` after the last round, when pending work must not wait for
   * a later round or the next start (e.g. publish everything); without it flush runs `run`.
   */
  drain?: () => Promise<void>;
  logger: Logger;
}

/**
 * A background job that runs a round every `intervalMs` (never two rounds at once), stops
 * after the round in progress (then drains, if given), and runs a round or the drain on
 * demand (`flush`, for tests).
 */
export function createPeriodicWorker(opts: PeriodicWorkerOptions): Worker {
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> | undefined;

  async function round(): Promise<void> {
    try {
      await opts.run();
    } catch (err) {
      opts.logger.warn({ err, worker: opts.name }, `${opts.name}: round failed; the next round retries`);
    }
  }

  function schedule(): void {
    if (!running) return;
    timer = setTimeout(() => {
      current = round().finally(() => {
        current = undefined;
        schedule();
      });
    }, opts.intervalMs);
    timer.unref();
  }

  return {
    name: opts.name,
    start() {
      running = true;
      schedule();
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      await current;
      await opts
        .drain?.()
        .catch((err: unknown) =>
          opts.logger.warn(
            { err, worker: opts.name },
            `${opts.name}: drain at stop failed; the next start retries`,
          ),
        );
    },
    async flush() {
      await current;
      await (opts.drain ?? opts.run)();
    },
  };
}
