/** A clock a test moves by hand: give `now` to the code under test, then `advance` it. */
export interface ManualClock {
  now(): number;
  /** Moves the clock forward by ms (nothing runs by itself: the code reads `now` when it next looks). */
  advance(ms: number): void;
}

/** A manual clock starting at `start` (default: the real time when made). */
export function manualClock(start = Date.now()): ManualClock {
  let t = start;
  return {
    now: () => t,
    advance(ms) {
      if (!(ms >= 0)) throw new Error(`a clock only moves forward (asked ${ms} ms)`);
      t += ms;
    },
  };
}
