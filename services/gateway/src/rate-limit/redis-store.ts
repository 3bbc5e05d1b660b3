import { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import type { RateLimitHit, RateLimitStore } from './store.ts';

/** Options of {@link createRedisRateLimitStore}. */
export interface RedisRateLimitStoreOptions {
  /** e.g. `redis://:password@redis:6379/0` */
  url: string;
  /** Key prefix (default `gateway:ratelimit:`); instances sharing it share the limits. */
  prefix?: string;
  /**
   * A command without a reply after this long fails, and the request goes through
   * (fail open). Small: every proxied request waits for this call. Default 250 ms.
   */
  commandTimeoutMs?: number;
  /**
   * How long a new store's first calls wait for its first connection (they fail, so the
   * limiter fails open, once it is refused or after this long). Default 2000 ms.
   */
  connectTimeoutMs?: number;
}

// INCRBY and the expiry in one atomic step: two instances racing on a caller's first request
// cannot both start the window, and a crash between the two commands cannot leave a
// counter that never expires. The PTTL guard repairs a key that lost its expiry anyway.
const HIT_SCRIPT = `
local n = redis.call('INCRBY', KEYS[1], ARGV[2])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}
`;
const HIT_SHA = createHash('sha1').update(HIT_SCRIPT).digest('hex');

/**
 * Counters in Redis, shared by every gateway instance (distributed mode): a fixed window
 * per caller, counted by a Lua script (EVALSHA; the script is loaded on first use and
 * again after a Redis restart). Calls fail fast while Redis is unreachable (no offline
 * queue) so the limiter can fail open without holding requests; the client keeps
 * reconnecting in the background.
 */
export function createRedisRateLimitStore(opts: RedisRateLimitStoreOptions): RateLimitStore {
  const prefix = opts.prefix ?? 'gateway:ratelimit:';
  const commandTimeoutMs = opts.commandTimeoutMs ?? 250;
  const connectTimeoutMs = opts.connectTimeoutMs ?? 2_000;
  const redis = new Redis(opts.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: commandTimeoutMs,
    connectTimeout: connectTimeoutMs,
    // Concurrent requests' scripts go out in one write: fewer syscalls under load.
    enableAutoPipelining: true,
    retryStrategy: (times) => Math.min(50 * 2 ** times, 2_000) + Math.floor(Math.random() * 100),
  });
  // Errors surface through the rejected calls (the limiter logs them once per outage);
  // without a listener ioredis would print every reconnect failure.
  redis.on('error', () => undefined);

  // Without the offline queue a call made before the first connection is up fails at once,
  // so the first calls after start-up wait for the first connection: until it is ready, or
  // refused or unreachable (an error with a socket code: fail open at once), or the connect
  // timeout. A slow answer to the ready check (its command timeout) keeps them waiting while
  // ioredis connects again. Ending the wait at the command timeout, or at that error, let a
  // gateway on a loaded machine pass its first requests uncounted.
  let firstAttempt: Promise<void> | undefined = new Promise<void>((resolve) => {
    const done = () => {
      firstAttempt = undefined;
      redis.off('error', onError);
      clearTimeout(timer);
      resolve();
    };
    const onError = (err: Error & { code?: unknown }) => {
      if (typeof err.code === 'string') done();
    };
    const timer = setTimeout(done, connectTimeoutMs);
    timer.unref();
    redis.once('ready', done);
    redis.on('error', onError);
  });

  async function run(key: string, windowMs: number, requests: number): Promise<unknown> {
    if (firstAttempt !== undefined) await firstAttempt;
    try {
      return await redis.evalsha(HIT_SHA, 1, prefix + key, windowMs, requests);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.eval(HIT_SCRIPT, 1, prefix + key, windowMs, requests);
    }
  }

  return {
    kind: 'redis',
    async hit(key: string, windowMs: number, requests = 1): Promise<RateLimitHit> {
      const reply = await run(key, Math.ceil(windowMs), requests);
      if (!Array.isArray(reply) || reply.length !== 2) {
        throw new Error(`rate-limit script answered ${JSON.stringify(reply)}`);
      }
      return { count: Number(reply[0]), resetMs: Number(reply[1]) };
    },
    async ping() {
      if (firstAttempt !== undefined) await firstAttempt;
      await redis.ping();
    },
    async close() {
      if (redis.status === 'end') return;
      if (redis.status !== 'ready') {
        redis.disconnect();
        return;
      }
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
