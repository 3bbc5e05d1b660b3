/**
 * Runs tasks one after the other per key, within this process. Reserves of one limited
 * promotion all update its row, so in PostgreSQL they run one at a time anyway; queueing
 * them here first means a burst waits in memory instead of each holding a pooled
 * connection while it waits for the row lock (which would starve the pool). Across
 * processes the row lock still decides: at most one waiter per process.
 */
export function createKeyQueue() {
  const tails = new Map<string, Promise<unknown>>();

  async function runOne<T>(key: string, task: () => Promise<T>): Promise<T> {
    const before = tails.get(key) ?? Promise.resolve();
    const run = before.then(task, task);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (tails.get(key) === tail) tails.delete(key);
    }
  }

  return {
    /** Runs task holding every key (taken in sorted order, so two tasks never wait on each other in a cycle). */
    run<T>(keys: readonly string[], task: () => Promise<T>): Promise<T> {
      const sorted = [...new Set(keys)].sort();
      const step = (i: number): Promise<T> =>
        i === sorted.length ? task() : runOne(sorted[i]!, () => step(i + 1));
      return step(0);
    },
  };
}
