export { createIdempotencyStore, requestFingerprint } from './idempotency-store.ts';
export type { IdempotencyStore, Claim, StoredResponse } from './idempotency-store.ts';
export { registerIdempotency } from './idempotency-plugin.ts';
export type { IdempotencyKeyInfo, IdempotencyRouteConfig } from './idempotency-plugin.ts';
