import { CommonErrors, type AppError } from '@mercato/platform/errors';
import type { Logger } from '@mercato/platform/logging';
import type { FastifyReply } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import type { RateLimitStore } from './store.ts';

/** Rate-limit tiers (ARCHITECTURE.md §8): no credentials, signed in, premium. */
export type Tier = 'anonymous' | 'authenticated' | 'premium';

/** Requests allowed per window, per tier. */
export interface RateLimits {
  anonymous: number;
  authenticated: number;
  premium: number;
  windowSeconds: number;
}

/** Counts callers' requests and answers with the IETF RateLimit headers or a 429. */
export interface RateLimiter {
  readonly store: RateLimitStore;
  /**
   * Counts one request of the caller identified by key (`ip:…`, `sub:…`, `key:…`), sets
   * RateLimit-Limit/-Remaining/-Reset/-Policy on reply, and returns the 429 problem
   * (with Retry-After) when the caller is over its tier's limit. When the store fails,
   * the request is let through without RateLimit headers (fail open).
   */
  check(key: string, tier: Tier, reply: FastifyReply): Promise<AppError | undefined>;
}

interface TierPolicy {
  limit: number;
  limitText: string;
  policy: string;
}

/** Creates the limiter over store; its series go into registry. */
export function createRateLimiter(opts: {
  limits: RateLimits;
  store: RateLimitStore;
  logger: Pick<Logger, 'warn' | 'info'>;
  registry: Registry;
}): RateLimiter {
  const { limits, store, logger } = opts;
  const windowMs = limits.windowSeconds * 1000;
  // Header values built once: the limiter runs on every proxied request.
  const policyOf = (limit: number): TierPolicy => ({
    limit,
    limitText: String(limit),
    policy: `${limit};w=${limits.windowSeconds}`,
  });
  const policies: Record<Tier, TierPolicy> = {
    anonymous: policyOf(limits.anonymous),
    authenticated: policyOf(limits.authenticated),
    premium: policyOf(limits.premium),
  };
  const limited = new Counter({
    name: 'gateway_rate_limited_total',
    help: 'Requests answered 429 because the caller was over its limit, by tier',
    labelNames: ['tier'],
    registers: [opts.registry],
  });
  const limitedBy = {
    anonymous: limited.labels('anonymous'),
    authenticated: limited.labels('authenticated'),
    premium: limited.labels('premium'),
  };
  const storeErrors = new Counter({
    name: 'gateway_rate_limit_store_errors_total',
    help: 'Requests let through unlimited because the rate-limit store failed (fail open)',
    registers: [opts.registry],
  });
  // One warning per outage, not one per request.
  let failing = false;

  return {
    store,
    async check(key, tier, reply) {
      const p = policies[tier];
      let count: number;
      let resetMs: number;
      try {
        ({ count, resetMs } = await store.hit(key, windowMs));
      } catch (err) {
        storeErrors.inc();
        if (!failing) {
          failing = true;
          logger.warn({ err, store: store.kind }, 'rate-limit store unreachable: requests pass unlimited');
        }
        return undefined;
      }
      if (failing) {
        failing = false;
        logger.info({ store: store.kind }, 'rate-limit store reachable again');
      }
      const resetSeconds = String(Math.max(1, Math.ceil(resetMs / 1000)));
      reply.header('ratelimit-limit', p.limitText);
      reply.header('ratelimit-remaining', String(Math.max(0, p.limit - count)));
      reply.header('ratelimit-reset', resetSeconds);
      reply.header('ratelimit-policy', p.policy);
      if (count <= p.limit) return undefined;
      limitedBy[tier].inc();
      return CommonErrors.RATE_LIMITED(
        `the ${tier} limit of ${p.limit} requests per ${limits.windowSeconds} s is used up; retry in ${resetSeconds} s`,
        { headers: { 'retry-after': resetSeconds } },
      );
    },
  };
}
