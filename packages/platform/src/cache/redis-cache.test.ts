import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { after, describe, test } from 'node:test';
import { infra, needs } from '@mercato/testing';
import { getOrLoad, type Cache } from './cache.ts';
import { cacheContract } from './cache.contract.ts';
import { createRedisCache } from './redis-cache.ts';

const redis = await needs('redis');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A TCP proxy to the real Redis that the test can cut and restore, to simulate an outage. */
async function outageProxy(target: string) {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  const listen = (listenPort: number) =>
    new Promise<number>((resolve, reject) => {
      server = net.createServer((client) => {
        const upstream = net.connect(Number(port || 6379), hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.once('error', reject);
      server.listen(listenPort, '127.0.0.1', () => resolve((server?.address() as net.AddressInfo).port));
    });
  const proxyPort = await listen(0);
  return {
    url: `redis://127.0.0.1:${proxyPort}`,
    cut: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server?.close(resolve));
    },
    restore: () => listen(proxyPort),
  };
}

// One prefix per run so parallel or leftover runs never see each other's keys.
const run = `test-${randomUUID()}`;

cacheContract(
  'redis',
  (namespace) => createRedisCache({ url: infra.redisUrl, namespace: `${run}:${namespace}` }),
  redis,
);

describe('redis cache', redis, () => {
  const opened: Cache[] = [];
  const open = (url: string, namespace: string): Cache => {
    const cache = createRedisCache({ url, namespace, commandTimeoutMs: 300 });
    opened.push(cache);
    return cache;
  };
  after(async () => {
    for (const cache of opened) {
      await cache.invalidatePrefix('').catch(() => undefined);
      await cache.close();
    }
  });

  test('ping resolves against a live server', async () => {
    await open(infra.redisUrl, `${run}:ping`).ping();
  });

  test('two caches with the same namespace share entries (replicas of one service)', async () => {
    const namespace = `${run}:shared`;
    const a = open(infra.redisUrl, namespace);
    const b = open(infra.redisUrl, namespace);
    await a.set('k', { v: 1 }, 60_000);
    assert.deepEqual(await b.get('k'), { v: 1 });
    assert.equal(await b.invalidatePrefix(''), 1);
    assert.equal(await a.get('k'), undefined);
  });

  test('rejects values that JSON cannot represent', async () => {
    const cache = open(infra.redisUrl, `${run}:json`);
    await assert.rejects(
      cache.set('fn', () => 1, 60_000),
      TypeError,
    );
  });

  test('with Redis unreachable, ping and commands reject fast instead of hanging', async () => {
    const cache = open('redis://127.0.0.1:1', `${run}:down`);
    const started = performance.now();
    await assert.rejects(cache.ping());
    assert.ok(performance.now() - started < 2_000, `ping took ${performance.now() - started} ms`);

    const again = performance.now();
    await assert.rejects(cache.get('k'));
    await assert.rejects(cache.set('k', 1, 1_000));
    await assert.rejects(cache.invalidatePrefix('k'));
    assert.ok(performance.now() - again < 2_000, `commands took ${performance.now() - again} ms`);
  });

  test('a connected cache fails fast during an outage and recovers by itself', async () => {
    const proxy = await outageProxy(infra.redisUrl);
    const cache = open(proxy.url, `${run}:outage`);
    await cache.set('k', 'v', 60_000);

    await proxy.cut();
    const started = performance.now();
    await assert.rejects(cache.ping());
    await assert.rejects(cache.get('k'));
    assert.ok(performance.now() - started < 2_000, `took ${performance.now() - started} ms`);

    await proxy.restore();
    let value: unknown;
    for (let i = 0; i < 40 && value === undefined; i++) {
      await sleep(100);
      value = await cache.get('k').catch(() => undefined);
    }
    assert.equal(value, 'v');
    assert.equal(await cache.invalidatePrefix(''), 1);
    await proxy.cut();
    await cache.close();
  });

  test('getOrLoad degrades to the loader when Redis is down', async () => {
    const cache = open('redis://127.0.0.1:1', `${run}:degraded`);
    const errors: string[] = [];
    let loads = 0;
    const value = await getOrLoad(
      cache,
      'k',
      60_000,
      async () => {
        loads++;
        return 'from source';
      },
      { onCacheError: (_err, op) => errors.push(op) },
    );
    assert.equal(value, 'from source');
    assert.equal(loads, 1);
    assert.deepEqual(errors, ['get', 'set']);
  });
});
