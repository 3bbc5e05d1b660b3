/** Tuning of a write batcher. */
export interface WriteBatcherOptions {
  /** Most commands in one batch. */
  maxBatch?: number;
  /**
   * Batches running at once: on separate connections, or sent one after the other on a
   * pipelined one (Database.pipeline), where the next waits at the server, not in the process.
   */
  maxInFlight?: number;
  /**
   * When no batch runs and fewer commands wait than the last batch held, how long (ms) they
   * wait for the rest before starting anyway (default 0: at once). Under load the requests a
   * batch answered come back within a moment; starting with the first of them would split
   * them into small batches, each paying a batch's fixed price. Bounds the latency it adds.
   */
  holdMs?: number;
}

/**
 * Group commit: commands submitted while a batch runs wait and go together in a later
 * batch, so under load many requests share one statement (one round trip, one lock hold,
 * one WAL flush) while a lone request still runs at once. `run` answers each command in
 * order, with a value or an Error for that command alone; a rejection of `run` fails every
 * command of the batch.
 */
export interface WriteBatcher<C, R> {
  submit(command: C): Promise<R>;
}

interface Waiting<C, R> {
  command: C;
  resolve: (value: R) => void;
  reject: (reason: unknown) => void;
}

/**
 * Waiting commands start as a batch once as many wait as the last finished batch held — the
 * requests it answered coming back —, or, when no batch runs, at once (next turn of the event
 * loop) or after `holdMs`. So a further batch starts beside a running one only when it is as
 * big: a slot spent on a batch of one would cost a batch's fixed price (a statement, a
 * commit) for one command. When a batch finishes, the next starts before its answers are
 * delivered: writing the answers takes the event loop long enough to delay the next statement.
 */
export function createWriteBatcher<C, R>(
  run: (commands: readonly C[]) => Promise<Array<R | Error>>,
  opts: WriteBatcherOptions = {},
): WriteBatcher<C, R> {
  const maxBatch = opts.maxBatch ?? 100;
  const maxInFlight = opts.maxInFlight ?? 2;
  const queue: Array<Waiting<C, R>> = [];
  let inFlight = 0;
  const holdMs = opts.holdMs ?? 0;
  let lastSize = 0;
  let pumpDue = false;
  let hold: NodeJS.Timeout | undefined;
  let holdOver = false;

  function pump(): boolean {
    let started = false;
    while (queue.length > 0 && inFlight < maxInFlight) {
      const full = queue.length >= Math.min(lastSize, maxBatch);
      if (!full && !(inFlight === 0 && (holdMs === 0 || holdOver))) break;
      holdOver = false;
      clearTimeout(hold);
      hold = undefined;
      start(queue.splice(0, maxBatch));
      started = true;
    }
    if (!started && inFlight === 0 && queue.length > 0 && holdMs > 0 && !hold) {
      hold = setTimeout(() => {
        hold = undefined;
        holdOver = true;
        pump();
      }, holdMs);
    }
    return started;
  }

  function start(batch: Array<Waiting<C, R>>): void {
    inFlight++;
    let answers: Array<R | Error> | undefined;
    let failure: unknown;
    run(batch.map((w) => w.command))
      .then(
        (out) => {
          answers = out;
        },
        (err: unknown) => {
          failure = err;
        },
      )
      .then(async () => {
        inFlight--;
        lastSize = batch.length;
        if (pump()) await new Promise((resolve) => setImmediate(resolve));
        if (answers && answers.length !== batch.length) {
          failure = new Error(`write batch answered ${answers.length} results for ${batch.length} commands`);
        }
        batch.forEach((w, i) => {
          const answer = answers?.[i];
          if (failure !== undefined) w.reject(failure);
          else if (answer instanceof Error) w.reject(answer);
          else w.resolve(answer as R);
        });
      });
  }

  return {
    submit(command) {
      return new Promise<R>((resolve, reject) => {
        queue.push({ command, resolve, reject });
        if (pumpDue) return;
        pumpDue = true;
        setImmediate(() => {
          pumpDue = false;
          pump();
        });
      });
    },
  };
}
