import { createMetrics } from '@mercato/platform/metrics';
import { testAuth } from '@mercato/testing';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startGateway, startRawUpstream, type RawUpstream, type TestGateway } from './helpers.ts';

const LIMITS = { anonymous: 5, authenticated: 7, premium: 9, windowSeconds: 60 };

/** Sends n GETs; returns the statuses. */
async function burst(url: string, n: number, headers: Record<string, string> = {}): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const res = await fetch(url, { headers });
    await res.text();
    statuses.push(res.status);
  }
  return statuses;
}

const times = (n: number, status: number) => Array.from({ length: n }, () => status);

describe('gateway rate limits (memory store)', () => {
  let upstream: RawUpstream;
  let gw: TestGateway;
  const metrics = createMetrics('gateway');
  const api = () => `${gw.url}/api/v1/feature-flags/x/evaluate?subject=s`;
  const bearer = async (opts: { tier?: 'authenticated' | 'premium' } = {}) =>
    (await testAuth()).headers({ subject: randomUUID(), ...opts });

  before(async () => {
    upstream = await startRawUpstream();
    gw = await startGateway({ upstreams: { settings: upstream.url }, rateLimit: LIMITS, metrics });
  });
  after(async () => {
    await gw.close();
    await upstream.close();
  });

  it('counts each signed-in caller on its own, with the IETF RateLimit headers on proxied answers', async () => {
    const headers = await bearer();
    const res = await fetch(api(), { headers });
    await res.text();
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('ratelimit-limit'), '7');
    assert.equal(res.headers.get('ratelimit-remaining'), '6');
    assert.equal(res.headers.get('ratelimit-policy'), '7;w=60');
    const reset = Number(res.headers.get('ratelimit-reset'));
    assert.ok(reset >= 59 && reset <= 60, `reset ${reset}`);
    const again = await fetch(api(), { headers });
    await again.text();
    assert.equal(again.headers.get('ratelimit-remaining'), '5');
  });

  it('answers the request over the limit with 429, Retry-After and RateLimit headers; others are unaffected', async () => {
    const seenBefore = upstream.seen.length;
    assert.deepEqual(await burst(api(), 5), times(5, 200));
    const over = await fetch(api());
    const body = (await over.json()) as { code: string; status: number };
    assert.equal(over.status, 429);
    assert.match(over.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.equal(body.code, 'RATE_LIMITED');
    const retryAfter = Number(over.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    assert.equal(over.headers.get('ratelimit-limit'), '5');
    assert.equal(over.headers.get('ratelimit-remaining'), '0');
    assert.equal(upstream.seen.length, seenBefore + 5, 'the refused request was not proxied');

    // The same IP signed in is another caller, with its own counter and tier.
    assert.deepEqual(await burst(api(), 2, await bearer()), [200, 200]);
    // The gateway's own endpoints share the IP's anonymous counter, whatever the token.
    const health = await fetch(`${gw.url}/health/live`, { headers: await bearer() });
    assert.equal(health.status, 429);

    const text = await metrics.registry.getSingleMetricAsString('gateway_rate_limited_total');
    assert.match(text, /gateway_rate_limited_total\{tier="anonymous",service="gateway"\} 2/);
  });

  it('gives each tier its limit: authenticated 7, premium 9', async () => {
    const user = await bearer();
    assert.deepEqual(await burst(api(), 8, user), [...times(7, 200), 429]);
    const premium = await bearer({ tier: 'premium' });
    const statuses = await burst(api(), 10, premium);
    assert.deepEqual(statuses, [...times(9, 200), 429]);
    const text = await metrics.registry.getSingleMetricAsString('gateway_rate_limited_total');
    assert.match(text, /tier="authenticated".* 1/);
    assert.match(text, /tier="premium".* 1/);
  });

  it('counts refused credentials against the IP', async () => {
    const other = await startGateway({ upstreams: { settings: upstream.url }, rateLimit: LIMITS });
    try {
      const statuses = await burst(`${other.url}/api/v1/settings/a`, 6, { authorization: 'Bearer forged' });
      assert.deepEqual(statuses, [...times(5, 401), 429]);
    } finally {
      await other.close();
    }
  });
});
