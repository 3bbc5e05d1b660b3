import { AppError, CommonErrors } from '@mercato/platform/errors';
import type { Logger } from '@mercato/platform/logging';
import {
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhenResult,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { GatewayErrors } from '../errors.ts';
import type { ServiceName } from '../routing/route-table.ts';
import { AnswerCollector, type AnswerCallback } from './upstream-answer.ts';
import type { UpstreamMetrics } from './upstream-metrics.ts';

/** Why an upstream call counts against the circuit. */
export type FailureReason = 'timeout' | 'unavailable' | 'bad_status' | 'error';

type Callback = (err: Error | null, data: Dispatcher.ResponseData) => void;

const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'FST_REPLY_FROM_GATEWAY_TIMEOUT',
  'FST_REPLY_FROM_TIMEOUT',
  'ETIMEDOUT',
]);
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
  'FST_REPLY_FROM_SERVICE_UNAVAILABLE',
]);
// Caused by the caller's request, not by the upstream: never trips the circuit.
const CLIENT_CODES = new Set([
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_ABORTED',
  'UND_ERR_INVALID_ARG',
]);

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The error reply-from wrapped, or the error itself. */
function rootCause(err: Error): Error {
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? cause : err;
}

/** Classifies a failed call; undefined when the caller, not the upstream, is at fault. */
export function classifyError(err: Error): FailureReason | undefined {
  const code = codeOf(err);
  if (code === undefined) return 'error';
  if (TIMEOUT_CODES.has(code)) return 'timeout';
  if (UNAVAILABLE_CODES.has(code)) return 'unavailable';
  if (CLIENT_CODES.has(code)) return undefined;
  return 'error';
}

/** 502/503/504 answers mean the upstream (or what is behind it) is unwell; other statuses pass. */
export function isFailureStatus(status: number): boolean {
  return status === 502 || status === 503 || status === 504;
}

/** Everything needed to run one upstream. */
export interface UpstreamInit {
  name: ServiceName;
  /** Base URL without trailing slash (`http://127.0.0.1:<port>`). */
  base: string;
  dispatcher: Dispatcher;
  metrics: UpstreamMetrics;
  timeoutMs: number;
  breakerFailures: number;
  breakerHalfOpenMs: number;
  /** Circuit transitions are logged (rare events, never per request). */
  logger?: Logger;
}

/**
 * One service behind the gateway: its base URL, its circuit breaker and metric series.
 * `request` has the shape of undici's callback `request`, so reply-from dispatches through
 * it and every call — whatever reply-from does with the answer afterwards — is counted.
 */
export class Upstream {
  readonly name: ServiceName;
  readonly base: string;
  readonly origin: string;
  /** host[:port] of base, the Host header upstream. */
  readonly host: string;
  /** Path prefix of base ('' when the service sits at the origin's root). */
  readonly basePath: string;
  readonly breaker: CircuitBreakerPolicy;
  readonly timeoutMs: number;
  readonly #dispatcher: Dispatcher;
  readonly #halfOpenMs: number;
  #openedAt = 0;
  // Label-bound children: incrementing them allocates nothing per request.
  readonly #requests: { inc(): void };
  readonly #rejected: { inc(): void };
  readonly #failures: Record<FailureReason, { inc(): void }>;

  constructor(init: UpstreamInit) {
    const url = new URL(init.base);
    this.name = init.name;
    this.base = init.base;
    this.origin = url.origin;
    this.host = url.host;
    this.basePath = init.base.slice(url.origin.length);
    this.timeoutMs = init.timeoutMs;
    this.#dispatcher = init.dispatcher;
    this.#halfOpenMs = init.breakerHalfOpenMs;
    const m = init.metrics;
    this.#requests = m.requests.labels(init.name);
    this.#rejected = m.rejected.labels(init.name);
    this.#failures = {
      timeout: m.failures.labels(init.name, 'timeout'),
      unavailable: m.failures.labels(init.name, 'unavailable'),
      bad_status: m.failures.labels(init.name, 'bad_status'),
      error: m.failures.labels(init.name, 'error'),
    };
    // The call's promise resolves to `true` when it failed: no Error object per failure.
    this.breaker = circuitBreaker(
      handleWhenResult((failed) => failed === true),
      { halfOpenAfter: init.breakerHalfOpenMs, breaker: new ConsecutiveBreaker(init.breakerFailures) },
    );
    const state = m.circuitState.labels(init.name);
    state.set(CircuitState.Closed);
    this.breaker.onBreak(() => {
      this.#openedAt = Date.now();
    });
    this.breaker.onStateChange((s) => {
      state.set(s);
      if (s === CircuitState.Open) init.logger?.warn({ upstream: init.name }, 'upstream circuit opened');
      else if (s === CircuitState.Closed)
        init.logger?.info({ upstream: init.name }, 'upstream circuit closed');
    });
  }

  /**
   * Whether calls are refused right now without reaching the upstream: the circuit is open
   * and not yet due for a trial, or half-open with its one trial call in flight.
   */
  rejecting(): boolean {
    const s = this.breaker.state;
    if (s === CircuitState.Closed) return false;
    if (s === CircuitState.Open) return Date.now() - this.#openedAt < this.#halfOpenMs;
    return true;
  }

  /** The 503 a refused call answers; Retry-After says when the next trial call is due (≥ 1 s). */
  circuitOpenError(): AppError {
    this.#rejected.inc();
    const waitMs = Math.max(0, this.#openedAt + this.#halfOpenMs - Date.now());
    return CommonErrors.UPSTREAM_UNAVAILABLE(`${this.name} is failing; calls are paused (circuit open)`, {
      headers: { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) },
    });
  }

  /** undici's callback-style request, through the circuit breaker. */
  request(opts: Dispatcher.RequestOptions, cb: Callback): void {
    this.#call(
      opts,
      (finish) =>
        this.#dispatcher.request(opts, (err, data) => {
          finish(err, data?.statusCode);
          cb(err, data);
        }),
      // reply-from ignores data when err is set; undici's callback type always wants data.
      (refused) => cb(refused, undefined as unknown as Dispatcher.ResponseData),
    );
  }

  /**
   * A bodiless call (GET, HEAD) through the circuit breaker, its answer gathered by an
   * {@link AnswerCollector}: whole up to maxBytes, streamed beyond.
   */
  answer(opts: Dispatcher.DispatchOptions, maxBytes: number, done: AnswerCallback): void {
    this.#call(
      opts,
      (finish) =>
        this.#dispatcher.dispatch(
          opts,
          new AnswerCollector(maxBytes, (err, answer) => {
            finish(err, answer?.statusCode);
            done(err, answer);
          }),
        ),
      (refused) => done(refused),
    );
  }

  /**
   * Runs one call through the breaker: `run` starts it and calls `finish` once with its
   * error or status (a 502/503/504 or an upstream's failure counts against the circuit);
   * `refused` is called instead when the circuit refuses the call.
   */
  #call(
    opts: Dispatcher.DispatchOptions,
    run: (finish: (err: Error | null, status: number | undefined) => void) => void,
    refused: (err: AppError) => void,
  ): void {
    let dispatched = false;
    this.breaker
      .execute(() => {
        dispatched = true;
        this.#requests.inc();
        return new Promise<boolean>((resolve) => {
          run((err, status) => {
            const reason = err
              ? this.#errorReason(err, opts)
              : status !== undefined && isFailureStatus(status)
                ? 'bad_status'
                : undefined;
            if (reason !== undefined) this.#failures[reason].inc();
            resolve(reason !== undefined);
          });
        });
      })
      .catch(() => {
        // execute rejects only when the circuit refused the call (the call itself never rejects).
        if (!dispatched) refused(this.circuitOpenError());
      });
  }

  #errorReason(err: Error, opts: Dispatcher.DispatchOptions): FailureReason | undefined {
    // The caller's body stream failed (client went away mid-upload): not the upstream's fault.
    const body = opts.body as Readable | null | undefined;
    if (body && typeof body === 'object' && 'errored' in body && body.errored) return undefined;
    return classifyError(err);
  }

  /** Maps what reply-from reports as a failed call to the problem the client gets. */
  problemFor(err: Error): AppError {
    const cause = rootCause(err);
    if (cause instanceof AppError) return cause;
    const reason = classifyError(cause);
    switch (reason) {
      case 'timeout':
        return CommonErrors.UPSTREAM_TIMEOUT(`${this.name} did not answer within ${this.timeoutMs} ms`);
      case 'unavailable':
        return CommonErrors.UPSTREAM_UNAVAILABLE(`${this.name} cannot be reached`);
      case undefined:
        return CommonErrors.BAD_REQUEST('The request body could not be forwarded');
      default:
        return GatewayErrors.GATEWAY_UPSTREAM_ERROR(`${this.name} failed to answer`);
    }
  }
}
