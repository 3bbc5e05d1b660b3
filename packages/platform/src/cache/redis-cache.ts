import { Redis } from 'ioredis';
import type { Logger } from '../logging/index.ts';
import { assertTtl, type Cache } from './cache.ts';

/** Options for {@link createRedisCache}. */
export interface RedisCacheOptions {
  /** e.g. `redis://:password@redis:6379/0` */
  url: string;
  /** Prefix of every key (`<namespace>:<key>`), usually the service name. */
  namespace: string;
  /** A command without a reply after this long fails (default 500 ms). */
  commandTimeoutMs?: number;
  /** Receives one warning per outage (not one per reconnect attempt). */
  logger?: Pick<Logger, 'warn'>;
}

// Keys scanned per SCAN call and thus removed per UNLINK: small enough that neither
// blocks Redis noticeably, large enough that invalidating thousands of keys is quick.
const SCAN_BATCH = 500;

/** Escapes Redis glob metacharacters so the text matches itself in SCAN MATCH. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/**
 * A Redis-backed cache (distributed mode): JSON values, TTL via PX, keys prefixed
 * with the namespace. Caches with the same namespace share entries (all replicas of
 * a service); different namespaces never see each other's keys.
 *
 * When Redis is down, calls fail fast instead of queueing (no offline queue) while
 * the client keeps reconnecting in the background; callers (see getOrLoad) degrade
 * to loading from the source.
 */
export function createRedisCache(opts: RedisCacheOptions): Cache {
  if (!opts.namespace) throw new Error('createRedisCache: namespace is required');
  const prefix = `${opts.namespace}:`;
  const commandTimeoutMs = opts.commandTimeoutMs ?? 500;

  const redis = new Redis(opts.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: commandTimeoutMs,
    connectTimeout: 2_000,
    // Never give up reconnecting (a null return would end the client for good),
    // but cap the delay so recovery is noticed within ~2 s.
    retryStrategy: (times) => Math.min(50 * 2 ** times, 2_000) + Math.floor(Math.random() * 100),
  });

  // Without the offline queue, a command issued before the first connection is up
  // would fail at once; the first calls after start-up wait for that first attempt.
  let firstAttemptDone = false;
  const firstAttempt = new Promise<void>((resolve) => {
    const done = () => {
      firstAttemptDone = true;
      redis.off('ready', done);
      redis.off('error', done);
      redis.off('end', done);
      resolve();
    };
    redis.on('ready', done);
    redis.on('error', done);
    redis.on('end', done);
  });

  let healthy = true;
  redis.on('ready', () => {
    healthy = true;
  });
  // Also keeps ioredis from printing "Unhandled error event" on every reconnect attempt.
  redis.on('error', (err: Error) => {
    if (!healthy) return;
    healthy = false;
    opts.logger?.warn({ err, namespace: opts.namespace }, 'redis cache unreachable, reconnecting');
  });

  async function connected(): Promise<void> {
    if (redis.status === 'ready' || firstAttemptDone) return;
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, commandTimeoutMs);
    });
    await Promise.race([firstAttempt, gaveUp]);
    clearTimeout(timer);
  }

  async function del(key: string): Promise<void> {
    await connected();
    await redis.unlink(prefix + key);
  }

  return {
    kind: 'redis',

    async get<T>(key: string): Promise<T | undefined> {
      await connected();
      const raw = await redis.get(prefix + key);
      return raw === null ? undefined : (JSON.parse(raw) as T);
    },

    async set<T>(key: string, value: T, ttlMs: number): Promise<void> {
      assertTtl(ttlMs);
      if (value === undefined) return del(key);
      const json = JSON.stringify(value);
      // Functions and symbols serialise to undefined; storing "undefined" would break get.
      if (json === undefined) throw new TypeError(`cache value for "${key}" is not JSON-serialisable`);
      await connected();
      await redis.set(prefix + key, json, 'PX', Math.ceil(ttlMs));
    },

    delete: del,

    async invalidatePrefix(keyPrefix: string): Promise<number> {
      await connected();
      // KEYS or one giant DEL would block Redis for every client; SCAN walks the
      // keyspace incrementally and UNLINK frees memory off the main thread.
      const pattern = `${escapeGlob(prefix + keyPrefix)}*`;
      let cursor = '0';
      let removed = 0;
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_BATCH);
        cursor = next;
        // SCAN may return a key twice; UNLINK's count only includes keys it removed.
        if (keys.length > 0) removed += await redis.unlink(...keys);
      } while (cursor !== '0');
      return removed;
    },

    async ping(): Promise<void> {
      await connected();
      const reply = await redis.ping();
      if (reply !== 'PONG') throw new Error(`redis ping answered ${reply}`);
    },

    async close(): Promise<void> {
      if (redis.status === 'end') return;
      if (redis.status !== 'ready') {
        // QUIT cannot be sent without a connection; just stop reconnecting.
        redis.disconnect();
        return;
      }
      try {
        await redis.quit();
      } catch {
        redis.disconnect();
      }
    },
  };
}
