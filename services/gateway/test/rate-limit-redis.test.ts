import { createMetrics } from '@mercato/platform/metrics';
import { captureLogger, infra, needs, testAuth } from '@mercato/testing';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createRedisRateLimitStore, type RateLimitStore } from '../src/gateway.ts';
import { deadUrl, startGateway, startRawUpstream, type RawUpstream, type TestGateway } from './helpers.ts';

const LIMITS = { anonymous: 5, authenticated: 5, premium: 8, windowSeconds: 60 };

async function status(url: string, headers: Record<string, string>): Promise<Response> {
  const res = await fetch(url, { headers });
  await res.text();
  return res;
}

describe('gateway rate limits on Redis', await needs('redis'), () => {
  let upstream: RawUpstream;
  let store: RateLimitStore;
  let one: TestGateway;
  let two: TestGateway;

  before(async () => {
    upstream = await startRawUpstream();
    // Both instances count in the same keys, as two gateway replicas in production do.
    store = createRedisRateLimitStore({ url: infra.redisUrl, prefix: `test:ratelimit:${randomUUID()}:` });
    one = await startGateway({ upstreams: { settings: upstream.url }, rateLimit: { ...LIMITS, store } });
    two = await startGateway({ upstreams: { settings: upstream.url }, rateLimit: { ...LIMITS, store } });
  });
  after(async () => {
    await one.close();
    await two.close();
    await store.close();
    await upstream.close();
  });

  it('holds one global limit across two gateway instances sharing Redis', async () => {
    const headers = await (await testAuth()).headers({ subject: randomUUID() });
    const path = '/api/v1/settings/a';
    const statuses: number[] = [];
    const remaining: (string | null)[] = [];
    for (const gw of [one, two, one, two, one, two]) {
      const res = await status(gw.url + path, headers);
      statuses.push(res.status);
      remaining.push(res.headers.get('ratelimit-remaining'));
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429]);
    assert.deepEqual(remaining, ['4', '3', '2', '1', '0', '0']);
    const over = await status(one.url + path, headers);
    assert.equal(over.status, 429);
    assert.ok(Number(over.headers.get('retry-after')) >= 1);
    // Another caller is not affected; premium gets its own limit.
    const premium = await (await testAuth()).headers({ subject: randomUUID(), tier: 'premium' });
    const res = await status(two.url + path, premium);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('ratelimit-limit'), '8');
  });

  it('builds its own Redis store from redisUrl', async () => {
    const gw = await startGateway({
      upstreams: { settings: upstream.url },
      rateLimit: { ...LIMITS, authenticated: 2, redisUrl: infra.redisUrl },
    });
    try {
      const headers = await (await testAuth()).headers({ subject: randomUUID() });
      const statuses = [];
      for (let i = 0; i < 3; i += 1)
        statuses.push((await status(`${gw.url}/api/v1/settings/a`, headers)).status);
      assert.deepEqual(statuses, [200, 200, 429]);
    } finally {
      await gw.close();
    }
  });

  it('fails open when Redis is down: requests pass, a warning is logged once, a metric counts them', async () => {
    const { logger, logs } = captureLogger('gateway');
    const metrics = createMetrics('gateway');
    const down = createRedisRateLimitStore({ url: (await deadUrl()).replace('http', 'redis') });
    const gw = await startGateway({
      upstreams: { settings: upstream.url },
      rateLimit: { ...LIMITS, store: down },
      logger,
      metrics,
    });
    try {
      const headers = await (await testAuth()).headers({ subject: randomUUID() });
      for (let i = 0; i < 8; i += 1) {
        const res = await status(`${gw.url}/api/v1/settings/a`, headers);
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('ratelimit-limit'), null, 'no limit is claimed while unknown');
      }
      const warnings = logs.lines.filter((l) => String(l.msg).startsWith('rate-limit store unreachable'));
      assert.equal(warnings.length, 1);
      const text = await metrics.registry.getSingleMetricAsString('gateway_rate_limit_store_errors_total');
      assert.match(text, / 8$/m);
    } finally {
      await gw.close();
      await down.close();
    }
  });
});
