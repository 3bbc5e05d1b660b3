import {
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  TaskCancelledError,
  TimeoutStrategy,
  circuitBreaker,
  handleWhen,
  isBrokenCircuitError,
  retry,
  timeout,
  wrap,
  type IPolicy,
} from 'cockatiel';
import { Pool } from 'undici';
import { applyServiceToken, type ServiceCredentials } from '../auth/client-credentials.ts';
import { currentContext } from '../context/index.ts';
import { AppError, CommonErrors } from '../errors/index.ts';
import type { Logger } from '../logging/index.ts';

/** HTTP methods the client sends. */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/** One query parameter; arrays repeat the name, undefined and null are left out. */
export type QueryValue =
  string | number | boolean | null | undefined | ReadonlyArray<string | number | boolean>;

/** Per-call options. */
export interface RequestOptions {
  query?: Record<string, QueryValue>;
  /** Sent as JSON. */
  body?: unknown;
  /** Win over the client's headers and over what is copied from the request context. */
  headers?: Record<string, string>;
  /** Sent as `Idempotency-Key`. */
  idempotencyKey?: string;
}

/** An upstream answer below 500. Header names are lower case. */
export interface ServiceResponse<T> {
  status: number;
  headers: Record<string, string>;
  /**
   * Parsed JSON; the bytes (a Buffer) when the upstream sent a binary type (application/pdf,
   * application/octet-stream, image/*…); otherwise the text; undefined when empty.
   */
  body: T;
}

/** Options for {@link createServiceClient}. */
export interface ServiceClientOptions {
  /** The upstream's name, used in errors and logs (e.g. `catalog`). */
  name: string;
  /** e.g. `http://catalog:<port>` or `http://127.0.0.1:<port>/api/v1` (the path is a prefix). */
  baseUrl: string;
  /** Per attempt, not per call: a GET may take (retries + 1) × timeoutMs plus backoff. Default 5000. */
  timeoutMs?: number;
  /** Extra attempts for GET, HEAD, PUT, DELETE and OPTIONS (default 2). POST/PATCH are never retried. */
  retries?: number;
  breaker?: {
    /** Failed attempts in a row that open the breaker (default 5). */
    consecutiveFailures?: number;
    /** How long the breaker stays open before one probe call may pass (default 10000). */
    halfOpenAfterMs?: number;
  };
  /** Sent on every call, e.g. a service credential in `authorization`. */
  headers?: Record<string, string>;
  /** The service's own token (createClientCredentials); when it is sent: see ServiceCredentials. */
  credentials?: ServiceCredentials;
  logger?: Pick<Logger, 'warn' | 'info'>;
}

/** A typed, resilient HTTP client for one upstream service. */
export interface ServiceClient {
  readonly name: string;
  /**
   * Sends one call. Resolves with any answer below 500 (4xx included: they are the
   * caller's to handle). Rejects with AppError DEPENDENCY_UNAVAILABLE (503) on 5xx,
   * timeout or connection failure once retries are used up, and at once while the
   * breaker is open; the underlying {@link UpstreamFailure} is the error's `cause`.
   */
  request<T>(method: HttpMethod, path: string, opts?: RequestOptions): Promise<ServiceResponse<T>>;
  get<T>(path: string, opts?: Omit<RequestOptions, 'body'>): Promise<ServiceResponse<T>>;
  post<T>(path: string, body?: unknown, opts?: Omit<RequestOptions, 'body'>): Promise<ServiceResponse<T>>;
  put<T>(path: string, body?: unknown, opts?: Omit<RequestOptions, 'body'>): Promise<ServiceResponse<T>>;
  patch<T>(path: string, body?: unknown, opts?: Omit<RequestOptions, 'body'>): Promise<ServiceResponse<T>>;
  delete<T>(path: string, opts?: Omit<RequestOptions, 'body'>): Promise<ServiceResponse<T>>;
  /** `open` lasts until the first call after halfOpenAfterMs, which probes (`half-open`). */
  breakerState(): 'closed' | 'open' | 'half-open';
  /** Waits for calls in flight, then closes the connections. */
  close(): Promise<void>;
}

/** Why an attempt failed on the upstream's side: a 5xx answer or no answer at all. */
export class UpstreamFailure extends Error {
  /** The 5xx status, when the upstream answered. */
  readonly status: number | undefined;
  /** The 5xx answer's parsed body, when there was one. */
  readonly body: unknown;
  constructor(message: string, extra: { status?: number; body?: unknown; cause?: unknown } = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'UpstreamFailure';
    this.status = extra.status;
    this.body = extra.body;
  }
}

const IDEMPOTENT: ReadonlySet<HttpMethod> = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
// Sockets per upstream: bounds what one slow upstream can hold open; beyond it calls
// queue inside the pool (and count against their timeout).
const MAX_CONNECTIONS = 128;

// Only failures that say something about the upstream's health: a 4xx or a bug of ours
// (bad JSON from a 2xx, a programming error) neither trips the breaker nor is retried.
const isTransient = (err: Error): boolean =>
  err instanceof UpstreamFailure || err instanceof TaskCancelledError;

/** Creates a client for one upstream service: keep-alive pool, timeout, retries, breaker. */
export function createServiceClient(opts: ServiceClientOptions): ServiceClient {
  const base = new URL(opts.baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const halfOpenAfterMs = opts.breaker?.halfOpenAfterMs ?? 10_000;
  const pool = new Pool(base.origin, { connections: MAX_CONNECTIONS });

  const breaker = circuitBreaker(handleWhen(isTransient), {
    halfOpenAfter: halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(opts.breaker?.consecutiveFailures ?? 5),
  });
  breaker.onBreak(() => opts.logger?.warn({ upstream: opts.name }, 'circuit breaker opened'));
  breaker.onReset(() => opts.logger?.info({ upstream: opts.name }, 'circuit breaker closed'));
  // Aggressive: the caller gets its answer at the deadline; the abort signal then
  // tears down the undici request in the background. Not aborted on return: an attempt
  // returns once its body is read to the end, so nothing is left to tear down, and the
  // abort cost a DOMException and an undici error per call (~7 % of the cart's CPU on an
  // add to cart, which makes five calls).
  const attemptTimeout = timeout(timeoutMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false });
  // The breaker sits inside the retry so that every attempt counts towards opening it,
  // and a breaker that opens mid-retry stops the remaining attempts (not retried).
  const retrying = retry(handleWhen(isTransient), {
    maxAttempts: opts.retries ?? 2,
    backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 2_000 }),
  });
  const idempotentPolicy: IPolicy = wrap(retrying, breaker, attemptTimeout);
  const onceOnlyPolicy: IPolicy = wrap(breaker, attemptTimeout);

  async function attempt(
    method: HttpMethod,
    path: string,
    headers: Record<string, string>,
    body: string | undefined,
    signal: AbortSignal,
  ): Promise<ServiceResponse<unknown>> {
    let status: number;
    let responseHeaders: Record<string, string>;
    let raw: Buffer;
    try {
      const res = await pool.request({ method, path, headers, body, signal });
      status = res.statusCode;
      responseHeaders = flattenHeaders(res.headers);
      // Always read to the end: an unread body would keep the keep-alive socket busy.
      raw = Buffer.from(await res.body.arrayBuffer());
    } catch (err) {
      // Refused, reset, DNS, closed mid-body: no usable answer, so a health signal.
      throw new UpstreamFailure(`${opts.name}: ${method} ${path} failed: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const parsed = parseBody(raw, responseHeaders['content-type']);
    if (status >= 500) {
      throw new UpstreamFailure(`${opts.name}: ${method} ${path} answered ${status}`, {
        status,
        body: parsed.ok ? parsed.value : raw.toString('utf8'),
      });
    }
    if (!parsed.ok) {
      throw CommonErrors.DEPENDENCY_UNAVAILABLE(`${opts.name} sent a response that is not valid JSON`);
    }
    return { status, headers: responseHeaders, body: parsed.value };
  }

  async function request<T>(
    method: HttpMethod,
    path: string,
    ro: RequestOptions = {},
  ): Promise<ServiceResponse<T>> {
    const target = withQuery(basePath + (path.startsWith('/') ? path : `/${path}`), ro.query);
    const body = ro.body === undefined ? undefined : JSON.stringify(ro.body);
    const headers = outgoingHeaders(opts.headers, ro, body !== undefined);
    await applyServiceToken(opts.credentials, headers, ro.headers);
    const policy = IDEMPOTENT.has(method) ? idempotentPolicy : onceOnlyPolicy;
    try {
      const res = await policy.execute(({ signal }) => attempt(method, target, headers, body, signal));
      return res as ServiceResponse<T>;
    } catch (err) {
      throw toAppError(err, opts.name, method, target, timeoutMs, halfOpenAfterMs);
    }
  }

  return {
    name: opts.name,
    request,
    get: (path, o) => request('GET', path, o),
    post: (path, body, o) => request('POST', path, { ...o, body }),
    put: (path, body, o) => request('PUT', path, { ...o, body }),
    patch: (path, body, o) => request('PATCH', path, { ...o, body }),
    delete: (path, o) => request('DELETE', path, o),
    breakerState() {
      switch (breaker.state) {
        case CircuitState.Closed:
          return 'closed';
        case CircuitState.HalfOpen:
          return 'half-open';
        default:
          return 'open';
      }
    },
    close: () => pool.close(),
  };
}

// The detail reaches the public problem body, so it names the upstream but not its
// address, path or error text; those stay on the cause, for logs.
function toAppError(
  err: unknown,
  name: string,
  method: HttpMethod,
  path: string,
  timeoutMs: number,
  halfOpenAfterMs: number,
): unknown {
  const spec = CommonErrors.catalog.DEPENDENCY_UNAVAILABLE;
  if (isBrokenCircuitError(err)) {
    return new AppError('DEPENDENCY_UNAVAILABLE', spec, `${name} is unavailable (circuit open)`, {
      cause: err,
      headers: { 'retry-after': String(Math.max(1, Math.ceil(halfOpenAfterMs / 1000))) },
    });
  }
  if (err instanceof TaskCancelledError) {
    const cause = new UpstreamFailure(`${name}: ${method} ${path} timed out after ${timeoutMs} ms`, {
      cause: err,
    });
    return new AppError('DEPENDENCY_UNAVAILABLE', spec, `${name} did not answer in time`, { cause });
  }
  if (err instanceof UpstreamFailure) {
    return new AppError('DEPENDENCY_UNAVAILABLE', spec, `${name} is unavailable`, { cause: err });
  }
  return err;
}

/** Lower-cased headers: the client's, then the call's, then what the context supplies. */
function outgoingHeaders(
  clientHeaders: Record<string, string> | undefined,
  ro: RequestOptions,
  hasBody: boolean,
): Record<string, string> {
  const out: Record<string, string> = { accept: 'application/json' };
  for (const source of [clientHeaders, ro.headers]) {
    for (const [k, v] of Object.entries(source ?? {})) out[k.toLowerCase()] = v;
  }
  if (ro.idempotencyKey !== undefined) out['idempotency-key'] = ro.idempotencyKey;
  if (hasBody) out['content-type'] ??= 'application/json';
  const ctx = currentContext();
  if (ctx) {
    if (ctx.correlationId) out['x-correlation-id'] ??= ctx.correlationId;
    if (ctx.traceparent) out['traceparent'] ??= ctx.traceparent;
    if (ctx.authorization) out['authorization'] ??= ctx.authorization;
  }
  return out;
}

function withQuery(path: string, query: Record<string, QueryValue> | undefined): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) for (const item of v) params.append(k, String(item));
    else params.append(k, String(v));
  }
  const qs = params.toString();
  if (!qs) return path;
  return `${path}${path.includes('?') ? '&' : '?'}${qs}`;
}

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

// Answers kept as bytes: documents and images, whose bytes a text decoding would corrupt.
const BINARY = /^\s*(application\/(pdf|octet-stream|zip)|image\/|audio\/|video\/)/i;

function parseBody(
  raw: Buffer,
  contentType: string | undefined,
): { ok: true; value: unknown } | { ok: false } {
  if (raw.length === 0) return { ok: true, value: undefined };
  if (contentType && BINARY.test(contentType)) return { ok: true, value: raw };
  const text = raw.toString('utf8');
  // application/json, application/problem+json, …
  if (!contentType || !/[/+]json\b/i.test(contentType)) return { ok: true, value: text };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}
