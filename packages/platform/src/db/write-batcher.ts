import DataLoader from 'dataloader';

/** Tuning of a write batcher. */
export interface WriteBatcherOptions {
  /** Most commands in one batch. */
  maxBatch?: number;
  /** Batches running at once (each holds a database connection while it runs). */
  maxInFlight?: number;
}

/**
 * Group commit: commands submitted while `maxInFlight` batches are running wait and go
 * together in the next batch, so under load many requests share one transaction (one
 * round trip per statement, one lock hold, one WAL flush) while a lone request still runs at
 * once. `run` answers each command in order, with a value or an Error for that command
 * alone; a rejection of `run` fails every command of the batch.
 */
export interface WriteBatcher<C, R> {
  submit(command: C): Promise<R>;
}

export function createWriteBatcher<C, R>(
  run: (commands: readonly C[]) => Promise<Array<R | Error>>,
  opts: WriteBatcherOptions = {},
): WriteBatcher<C, R> {
  const maxInFlight = opts.maxInFlight ?? 2;
  let inFlight = 0;
  const waiting: Array<() => void> = [];

  function finished(): void {
    const next = waiting.shift();
    if (next) next();
    else inFlight--;
  }

  // DataLoader collects the commands of a batch until its dispatch is called: at once
  // (next turn of the event loop) when a slot is free, else when a running batch finishes.
  const loader = new DataLoader<C, R>(
    async (commands) => {
      try {
        return await run(commands);
      } finally {
        finished();
      }
    },
    {
      cache: false,
      maxBatchSize: opts.maxBatch ?? 100,
      batchScheduleFn: (dispatch) => {
        if (inFlight < maxInFlight) {
          inFlight++;
          setImmediate(dispatch);
        } else {
          waiting.push(dispatch);
        }
      },
    },
  );
  return { submit: (command) => loader.load(command) };
}
