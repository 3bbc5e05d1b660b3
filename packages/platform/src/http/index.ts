export { createApp } from './app.ts';
export type { ServiceApp, AppOptions } from './app.ts';
export { createPeriodicWorker } from './periodic-worker.ts';
export type { PeriodicWorkerOptions } from './periodic-worker.ts';
export { registerHealthRoutes, registerDeadLetterRoutes } from './kit-routes.ts';
export type { ReadinessCheck } from './kit-routes.ts';
export { installProblemHandlers, sendProblem, toAppError, validationFieldErrors } from './problem-handler.ts';
export { parseIfMatch, checkVersion, requireVersion, versionEtag } from './conditional.ts';
export type { ExpectedVersion } from './conditional.ts';
export {
  ProblemSchema,
  ProblemRef,
  problemResponses,
  PageQuery,
  PageOf,
  pageResult,
  MoneySchema,
  Nullable,
  IfMatchHeaders,
} from './schemas.ts';
export type { Page } from './schemas.ts';
export { contractRoute } from './contract-route.ts';
export { nulPath } from './request-guards.ts';
export { operationIdOf, problemResponse, securityOf, SECURITY_SCHEMES } from './openapi.ts';
export type { ProblemResponseOptions } from './openapi.ts';
export type { ContractRouteOptions } from './contract-route.ts';
export { cacheableBody, ifNoneMatchHits, sendCacheable } from './cacheable.ts';
export type { CacheableBody } from './cacheable.ts';
export { verifyWebhookSignature, WebhookSignatureError } from './webhook-signature.ts';
