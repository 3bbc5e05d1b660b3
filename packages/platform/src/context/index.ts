import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What travels with one unit of work (an HTTP request or an event being handled). */
export interface RequestContext {
  correlationId: string;
  traceparent?: string;
  /** The caller's Authorization header, forwarded on service-to-service calls. */
  authorization?: string;
  /** Id of the event being handled, becomes causationId of events it publishes. */
  causationId?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs fn with ctx as the current request context. */
export function runWithContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/** The current request context, if the caller runs inside one. */
export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Sets the context for the rest of the current synchronous and async execution. */
export function enterContext(ctx: RequestContext): void {
  storage.enterWith(ctx);
}

/** Trace id (32 hex) of a W3C traceparent header, if well formed. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  if (!traceparent) return undefined;
  const m = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/.exec(traceparent);
  return m?.[1];
}

const TRACEPARENT = /^00-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;

/** Whether value is a W3C traceparent (version 00) that can be continued. */
export function isTraceparent(value: unknown): value is string {
  return typeof value === 'string' && TRACEPARENT.test(value);
}

/**
 * A fresh W3C traceparent, so logs and events correlate even when the caller sent none.
 * randomUUID draws from a cached entropy pool (randomBytes calls into the crypto library
 * per id, which shows on hot paths). trace-id: a v4 UUID's 32 hex digits (never all zero:
 * the version digit is 4); span-id: the last 16 hex digits of another.
 */
export function newTraceparent(): string {
  const trace = randomUUID();
  const span = randomUUID();
  return `00-${trace.slice(0, 8)}${trace.slice(9, 13)}${trace.slice(14, 18)}${trace.slice(19, 23)}${trace.slice(24)}-${span.slice(19, 23)}${span.slice(24)}-01`;
}
