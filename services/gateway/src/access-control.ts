import { localServiceUrl } from '@mercato/contracts';
import {
  cachingVerifier,
  createRevocationList,
  createTokenVerifier,
  withRevocations,
  type RevocationList,
} from '@mercato/platform/auth';
import { sendProblem } from '@mercato/platform/http';
import type { Logger } from '@mercato/platform/logging';
import type { ServiceMetrics } from '@mercato/platform/metrics';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createApiKeyExchange } from './auth/api-keys.ts';
import { createAuthenticate, isIpLimitedPath } from './auth/authenticate.ts';
import type { GatewayAuthOptions, GatewayRateLimitOptions } from './config.ts';
import { createMemoryRateLimitStore } from './rate-limit/memory-store.ts';
import { createRateLimiter, type RateLimits } from './rate-limit/rate-limiter.ts';
import { createPreCountingStore } from './rate-limit/pre-counting-store.ts';
import { createRedisRateLimitStore } from './rate-limit/redis-store.ts';
import type { RateLimitStore } from './rate-limit/store.ts';

/** Counters in Redis, pre-counted here unless syncMs is 0 (a Redis round trip per request otherwise). */
function redisStore(url: string, syncMs: number): RateLimitStore {
  const shared = createRedisRateLimitStore({ url });
  return syncMs > 0 ? createPreCountingStore(shared, { syncMs }) : shared;
}

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** Who may call and how often: the gateway's hooks and what they hold open. */
export interface AccessControl {
  /** preHandler of proxied routes: credentials, then the caller's rate limit. */
  authenticate: Hook;
  /** onRequest of every route: limits the gateway's own endpoints per client IP. */
  limitOwnEndpoints: Hook;
  /** Tokens identity revoked: bearer tokens and exchanged API-key tokens are checked against it. */
  revocations: RevocationList;
  close(): Promise<void>;
}

/** Builds token verification, the API-key exchange and the rate limiter from the options. */
export function createAccessControl(
  auth: GatewayAuthOptions,
  rl: GatewayRateLimitOptions,
  logger: Logger,
  metrics: ServiceMetrics,
): AccessControl {
  // Outside the cache: a cached token is checked against the revocations on every request.
  const revocations = createRevocationList();
  const verifier = withRevocations(
    cachingVerifier(
      auth.tokenVerifier ??
        createTokenVerifier({
          issuer: auth.issuer ?? 'http://localhost:8080',
          audience: auth.audience ?? 'mercato',
          keys: new URL(auth.jwksUrl ?? `${localServiceUrl('identity')}/.well-known/jwks.json`),
          cacheMaxEntries: 0,
        }),
      auth.tokenCacheSize ?? 10_000,
    ),
    revocations,
  );
  const apiKeys = createApiKeyExchange({
    identityUrl: auth.identityUrl ?? localServiceUrl('identity'),
    logger,
    verifier,
  });
  // A store passed in belongs to the caller; one made here is closed here.
  const ownsStore = rl.store === undefined;
  const store =
    rl.store ?? (rl.redisUrl ? redisStore(rl.redisUrl, rl.syncMs ?? 50) : createMemoryRateLimitStore());
  const limits: RateLimits = {
    anonymous: rl.anonymous ?? 100,
    authenticated: rl.authenticated ?? 1000,
    premium: rl.premium ?? 10_000,
    windowSeconds: rl.windowSeconds ?? 60,
  };
  const limiter = createRateLimiter({ limits, store, logger, registry: metrics.registry });
  logger.info({ store: store.kind, ...limits }, `rate limits counted in ${store.kind}`);

  let closed: Promise<void> | undefined;
  return {
    authenticate: createAuthenticate({ verifier, apiKeys, limiter }),
    revocations,
    async limitOwnEndpoints(request, reply) {
      if (!isIpLimitedPath(request.url)) return undefined;
      const limited = await limiter.check(`ip:${request.ip}`, 'anonymous', reply);
      return limited === undefined ? undefined : sendProblem(request, reply, limited);
    },
    close: () =>
      (closed ??= (async () => {
        await apiKeys.close();
        if (ownsStore) await store.close();
      })()),
  };
}
