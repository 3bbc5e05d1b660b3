import { randomUUID } from 'node:crypto';

const TRACEPARENT = /^00-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;

/** Whether value is a W3C traceparent (version 00) the upstream can continue. */
export function isTraceparent(value: unknown): value is string {
  return typeof value === 'string' && TRACEPARENT.test(value);
}

/**
 * A fresh W3C traceparent. randomUUID draws from a cached entropy pool, where randomBytes
 * makes a call into the crypto library for every id; on the proxy's hot path that shows.
 * trace-id: a v4 UUID's 32 hex digits (never all zero: the version digit is 4);
 * span-id: the last 16 hex digits of another (random but for the variant bits).
 */
export function newTraceparent(): string {
  const trace = randomUUID();
  const span = randomUUID();
  return `00-${trace.slice(0, 8)}${trace.slice(9, 13)}${trace.slice(14, 18)}${trace.slice(19, 23)}${trace.slice(24)}-${span.slice(19, 23)}${span.slice(24)}-01`;
}
