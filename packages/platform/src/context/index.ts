import { AsyncLocalStorage } from 'node:async_hooks';

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
