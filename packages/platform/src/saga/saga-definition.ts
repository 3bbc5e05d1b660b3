/** What a step's action and compensation are given. */
export interface StepContext<I = unknown> {
  sagaId: string;
  sagaType: string;
  /** What the saga was started with. */
  input: I;
  /** What each step done so far returned, by step name. */
  data: Readonly<Record<string, unknown>>;
  /**
   * `<sagaId>:<step>`: sent with every call the step makes (Idempotency-Key), so a repeated
   * step — after a timeout, a crash or a lost lease — changes nothing twice.
   */
  idempotencyKey: string;
  /** What the outside told this step while it waited (`engine.signal`), if anything. */
  signal: unknown;
  /** 1 for the first attempt of this action or compensation. */
  attempt: number;
  /** Aborted when the step's time is up: pass it to the calls the step makes. */
  abort: AbortSignal;
}

/** How a step's action ended: done with an output (kept under the step's name), or waiting. */
export type StepResult = { done: unknown } | { wait: { forMs: number } };

/** The action finished; `output` is what later steps read as `data[<step>]`. */
export function done(output: unknown = null): StepResult {
  return { done: output };
}

/**
 * The action started something that answers later (a buyer's 3-D Secure challenge): the saga
 * sleeps up to `forMs` or until `engine.signal(sagaId, step, …)`, then the action runs again
 * and decides (it should ask the truth again, with the same idempotency key).
 */
export function waitFor(forMs: number): StepResult {
  return { wait: { forMs } };
}

/**
 * A definite refusal: the step did not and will not succeed (out of stock, card declined).
 * The saga compensates the steps before it at once — not this one, whose action refused —
 * and fails with `code`. Any other error is transient: retried with back-off, and when the
 * attempts are used up the saga compensates this step too (its effect may have happened).
 */
export class StepFailure extends Error {
  readonly code: string;
  readonly detail: unknown;
  constructor(code: string, message: string, detail?: unknown) {
    super(message);
    this.name = 'StepFailure';
    this.code = code;
    this.detail = detail;
  }
}

/** One step of a saga: its action, the compensation that undoes it, its limits. */
export interface SagaStep<I = unknown> {
  name: string;
  action(ctx: StepContext<I>): Promise<StepResult>;
  /** Undoes the action; must succeed whether or not the action took effect (idempotent). */
  compensate?(ctx: StepContext<I>): Promise<void>;
  /** Per attempt (default: the saga's stepTimeoutMs). */
  timeoutMs?: number;
  /** Attempts of the action before it counts as failed (default: the saga's). */
  attempts?: number;
  /** The failure code when the attempts are used up (default STEP_FAILED). */
  failureCode?: string;
  /** A waiting step fails with waitTimeoutCode once it has waited this long in all (default 15 min). */
  maxWaitMs?: number;
  waitTimeoutCode?: string;
}

/** A kind of saga: its steps in order and its limits. */
export interface SagaDefinition<I = unknown> {
  type: string;
  steps: ReadonlyArray<SagaStep<I>>;
  /** Time from the start to the last step, waits aside (default 2 min). */
  deadlineMs?: number;
  /** Per attempt of a step (default 30 s). */
  stepTimeoutMs?: number;
  /** Attempts of an action (default 5). */
  attempts?: number;
  /** Attempts of a compensation before the saga is marked stuck for an operator (default 20). */
  compensationAttempts?: number;
  /** First retry delay, doubling up to maxRetryDelayMs (defaults 200 ms, 10 s). */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
}

/** Declares a saga (typed identity: the input type flows into every step). */
export function defineSaga<I>(def: SagaDefinition<I>): SagaDefinition<I> {
  const names = new Set<string>();
  for (const s of def.steps) {
    if (names.has(s.name)) throw new Error(`saga ${def.type}: step ${s.name} twice`);
    names.add(s.name);
  }
  return def;
}

/** A saga's state as the engine reports it. */
export type SagaStatus = 'running' | 'waiting' | 'compensating' | 'completed' | 'failed' | 'stuck';

/** Why a saga failed. */
export interface SagaFailure {
  code: string;
  message: string;
  step: string;
  detail?: unknown;
}

/** One saga as read back. */
export interface SagaState<I = unknown> {
  id: string;
  type: string;
  status: SagaStatus;
  /** The step running or waiting, or (compensating) the next to undo. */
  currentStep: string | null;
  input: I;
  data: Record<string, unknown>;
  failure: SagaFailure | null;
  deadlineAt: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** One entry of a saga's timeline. */
export interface SagaHistoryEntry {
  step: string;
  phase: 'action' | 'compensation' | 'saga';
  outcome: string;
  attempt: number;
  error: string | null;
  durationMs: number;
  at: string;
}
