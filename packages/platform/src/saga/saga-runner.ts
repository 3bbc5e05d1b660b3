import type { Logger } from '../logging/index.ts';
import {
  StepFailure,
  type SagaDefinition,
  type SagaFailure,
  type SagaStep,
  type StepContext,
  type StepResult,
} from './saga-definition.ts';
import type { SagaMetrics } from './saga-metrics.ts';
import type { HistoryLine, SagaChange, SagaRow, SagaStore } from './saga-store.ts';

/** Defaults of a saga definition's limits (ARCHITECTURE.md §7, issue of the checkout saga). */
export const SAGA_DEFAULTS = {
  deadlineMs: 120_000,
  stepTimeoutMs: 30_000,
  attempts: 5,
  compensationAttempts: 20,
  retryDelayMs: 200,
  maxRetryDelayMs: 10_000,
  maxWaitMs: 15 * 60_000,
};

/** What driving a saga needs from the engine. */
export interface RunnerDeps {
  store: SagaStore;
  owner: string;
  now: () => number;
  /** How long a lease lasts from each transition; longer than a step's timeout. */
  leaseMs: number;
  logger: Logger;
  metrics: SagaMetrics;
}

/** A step attempt that ran out of time (transient: retried with the same idempotency key). */
class StepTimeout extends Error {
  constructor(step: string, ms: number) {
    super(`step ${step} took longer than ${ms} ms`);
    this.name = 'StepTimeout';
  }
}

async function withTimeout<T>(ms: number, step: string, run: (abort: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new StepTimeout(step, ms));
    }, ms);
  });
  try {
    return await Promise.race([run(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Exponential back-off with jitter in the upper half. */
function retryDelay(attempt: number, base: number, max: number): number {
  const exp = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (Math.random() * exp) / 2);
}

const message = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

/**
 * Drives one leased saga from its current state until it has to wait (a step waits, a retry
 * backs off), it ends, or the lease is lost. Every transition is persisted before the next.
 */
export async function driveSaga(first: SagaRow, def: SagaDefinition, deps: RunnerDeps): Promise<void> {
  const limits = sagaLimits(def);
  let row = first;

  const commit = async (change: SagaChange, lines: HistoryLine[], keepLease: boolean): Promise<boolean> => {
    const at = deps.now();
    const ok = await deps.store.update(
      row.id,
      deps.owner,
      change,
      lines,
      at,
      keepLease ? { until: at + deps.leaseMs } : 'release',
    );
    if (!ok) {
      deps.logger.warn({ sagaId: row.id }, 'saga lease lost; another replica drives it');
      return false;
    }
    row = { ...row, ...change, version: row.version + 1 };
    return true;
  };

  const context = (step: SagaStep, abort: AbortSignal): StepContext => ({
    sagaId: row.id,
    sagaType: row.type,
    input: row.input,
    data: row.data,
    idempotencyKey: `${row.id}:${step.name}`,
    signal: row.signals[step.name],
    attempt: row.attempt + 1,
    abort,
  });

  /** Ends the forward path: compensate `undo` steps (the done ones, and the failed one when its effect may exist). */
  const fail = (failure: SagaFailure, undo: number, line: HistoryLine): Promise<boolean> => {
    deps.metrics.failed(row.type, failure.code);
    return commit(
      { status: 'compensating', step: undo, attempt: 0, failure, waitingSince: null, wakeAt: deps.now() },
      [line],
      true,
    );
  };

  for (;;) {
    const at = deps.now();
    if (row.status === 'running' || row.status === 'waiting') {
      if (row.step >= def.steps.length) {
        deps.metrics.completed(row.type);
        await commit({ status: 'completed', waitingSince: null }, [line('', 'saga', 'completed', 0)], false);
        return;
      }
      const step = def.steps[row.step]!;
      // The step to run now may already have acted (a retry, a wake after waiting): undo it too.
      const touched = row.attempt > 0 || row.waitingSince !== null ? row.step + 1 : row.step;
      if (at > row.deadlineAt) {
        const failure = {
          code: 'DEADLINE_EXCEEDED',
          message: 'the saga ran past its deadline',
          step: step.name,
        };
        if (!(await fail(failure, touched, line(step.name, 'action', 'timeout', row.attempt)))) return;
        continue;
      }
      const started = deps.now();
      const timeoutMs = step.timeoutMs ?? limits.stepTimeoutMs;
      let result: StepResult | undefined;
      let error: unknown;
      try {
        result = await withTimeout(timeoutMs, step.name, (abort) => step.action(context(step, abort)));
      } catch (err) {
        error = err;
      }
      const took = deps.now() - started;
      deps.metrics.stepDuration(row.type, step.name, 'action', took);
      if (result && 'done' in result) {
        const data = { ...row.data, [step.name]: result.done };
        const next = { status: 'running' as const, step: row.step + 1, attempt: 0, data, waitingSince: null };
        if (!(await commit(next, [line(step.name, 'action', 'done', row.attempt + 1, took)], true))) return;
        continue;
      }
      if (result && 'wait' in result) {
        const since = row.waitingSince ?? at;
        const maxWait = step.maxWaitMs ?? limits.maxWaitMs;
        if (deps.now() - since >= maxWait) {
          const failure = {
            code: step.waitTimeoutCode ?? 'WAIT_TIMEOUT',
            message: `step ${step.name} waited longer than ${maxWait} ms`,
            step: step.name,
          };
          if (
            !(await fail(failure, row.step + 1, line(step.name, 'action', 'timeout', row.attempt + 1, took)))
          )
            return;
          continue;
        }
        const wakeAt = Math.min(deps.now() + result.wait.forMs, since + maxWait);
        const change = {
          status: 'waiting' as const,
          wakeAt,
          waitingSince: since,
          // A buyer's challenge has its own clock: the saga's deadline waits with it.
          deadlineAt: Math.max(row.deadlineAt, wakeAt + timeoutMs),
        };
        await commit(change, [line(step.name, 'action', 'waiting', row.attempt + 1, took)], false);
        return;
      }
      if (error instanceof StepFailure) {
        const failure = { code: error.code, message: error.message, step: step.name, detail: error.detail };
        if (
          !(await fail(failure, row.step, line(step.name, 'action', 'failed', row.attempt + 1, took, error)))
        )
          return;
        continue;
      }
      const attempt = row.attempt + 1;
      if (attempt >= (step.attempts ?? limits.attempts)) {
        const failure = { code: step.failureCode ?? 'STEP_FAILED', message: message(error), step: step.name };
        if (!(await fail(failure, row.step + 1, line(step.name, 'action', 'failed', attempt, took, error))))
          return;
        continue;
      }
      const wakeAt = deps.now() + retryDelay(attempt, limits.retryDelayMs, limits.maxRetryDelayMs);
      deps.logger.warn(
        { sagaId: row.id, step: step.name, attempt, err: error },
        'saga step failed; retrying',
      );
      await commit({ attempt, wakeAt }, [line(step.name, 'action', 'retry', attempt, took, error)], false);
      return;
    }

    if (row.status !== 'compensating') return;
    if (row.step <= 0) {
      await commit({ status: 'failed' }, [line('', 'saga', 'compensated', 0)], false);
      return;
    }
    const step = def.steps[row.step - 1]!;
    if (!step.compensate) {
      if (!(await commit({ step: row.step - 1, attempt: 0 }, [], true))) return;
      continue;
    }
    const compensate = step.compensate;
    const started = deps.now();
    let error: unknown;
    try {
      await withTimeout(step.timeoutMs ?? limits.stepTimeoutMs, step.name, (abort) =>
        compensate(context(step, abort)),
      );
    } catch (err) {
      error = err;
    }
    const took = deps.now() - started;
    deps.metrics.stepDuration(row.type, step.name, 'compensation', took);
    if (error === undefined) {
      const next = { step: row.step - 1, attempt: 0 };
      if (!(await commit(next, [line(step.name, 'compensation', 'done', row.attempt + 1, took)], true)))
        return;
      continue;
    }
    const attempt = row.attempt + 1;
    if (attempt >= limits.compensationAttempts) {
      deps.metrics.stuck(row.type);
      deps.logger.error(
        { sagaId: row.id, step: step.name, err: error },
        'saga stuck: a compensation keeps failing',
      );
      await commit(
        { status: 'stuck', attempt },
        [line(step.name, 'compensation', 'stuck', attempt, took, error)],
        false,
      );
      return;
    }
    const wakeAt = deps.now() + retryDelay(attempt, limits.retryDelayMs, limits.maxRetryDelayMs);
    await commit(
      { attempt, wakeAt },
      [line(step.name, 'compensation', 'retry', attempt, took, error)],
      false,
    );
    return;
  }
}

function line(
  step: string,
  phase: HistoryLine['phase'],
  outcome: string,
  attempt: number,
  durationMs = 0,
  error?: unknown,
): HistoryLine {
  return { step, phase, outcome, attempt, durationMs, ...(error !== undefined && { error: message(error) }) };
}

/** A definition's limits, defaults filled in. */
export function sagaLimits(def: SagaDefinition) {
  return {
    deadlineMs: def.deadlineMs ?? SAGA_DEFAULTS.deadlineMs,
    stepTimeoutMs: def.stepTimeoutMs ?? SAGA_DEFAULTS.stepTimeoutMs,
    attempts: def.attempts ?? SAGA_DEFAULTS.attempts,
    compensationAttempts: def.compensationAttempts ?? SAGA_DEFAULTS.compensationAttempts,
    retryDelayMs: def.retryDelayMs ?? SAGA_DEFAULTS.retryDelayMs,
    maxRetryDelayMs: def.maxRetryDelayMs ?? SAGA_DEFAULTS.maxRetryDelayMs,
    maxWaitMs: SAGA_DEFAULTS.maxWaitMs,
  };
}
