import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deadUrl, startGateway, startRawUpstream } from './helpers.ts';

const UUID = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/;

describe('gateway resilience', () => {
  it('answers 503 UPSTREAM_UNAVAILABLE when nothing listens upstream, well within the timeout', async () => {
    const gw = await startGateway({ upstreams: { settings: await deadUrl() }, upstreamTimeoutMs: 2000 });
    try {
      const started = Date.now();
      const res = await fetch(`${gw.url}/api/v1/settings`);
      assert.equal(res.status, 503);
      assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
      const body = (await res.json()) as { code: string; correlationId: string };
      assert.equal(body.code, 'UPSTREAM_UNAVAILABLE');
      assert.equal(body.correlationId, res.headers.get('x-correlation-id'));
      assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
    } finally {
      await gw.close();
    }
  });

  it('counts refused connections against the circuit, then answers at once with Retry-After', async () => {
    const gw = await startGateway({ upstreams: { settings: await deadUrl() }, breakerFailures: 2 });
    try {
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${gw.url}/api/v1/settings`);
        assert.equal(res.status, 503);
        assert.equal(res.headers.get('retry-after'), null);
        await res.text();
      }
      const open = await fetch(`${gw.url}/api/v1/settings`);
      assert.equal(open.status, 503);
      assert.equal(open.headers.get('retry-after'), '10');
      assert.match(((await open.json()) as { detail: string }).detail, /circuit open/);
      const metrics = await (await fetch(`${gw.url}/metrics`)).text();
      assert.match(
        metrics,
        /gateway_upstream_failures_total\{upstream="settings",reason="unavailable"[^}]*\} 2/,
      );
      assert.match(metrics, /gateway_upstream_circuit_state\{upstream="settings"[^}]*\} 1/);
    } finally {
      await gw.close();
    }
  });

  it('answers 504 UPSTREAM_TIMEOUT when the upstream is slower than the timeout', async () => {
    const slow = await startRawUpstream((_seen, res) => {
      setTimeout(() => res.end('late'), 2000).unref();
    });
    const gw = await startGateway({ upstreams: { settings: slow.url }, upstreamTimeoutMs: 300 });
    try {
      const started = Date.now();
      const res = await fetch(`${gw.url}/api/v1/settings`);
      const took = Date.now() - started;
      assert.equal(res.status, 504);
      assert.equal(((await res.json()) as { code: string }).code, 'UPSTREAM_TIMEOUT');
      assert.ok(took >= 250 && took < 1000, `took ${took} ms`);
    } finally {
      await gw.close();
      await slow.close();
    }
  });

  it('opens the circuit after N consecutive failures, stops calling, and closes after recovery', async (t) => {
    let healthy = false;
    const flaky = await startRawUpstream((_seen, res) => {
      res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' });
      res.end(healthy ? '{"ok":true}' : '{"down":true}');
    });
    const gw = await startGateway({
      upstreams: { settings: flaky.url },
      breakerFailures: 3,
      breakerHalfOpenMs: 300,
    });
    const get = async () => {
      const res = await fetch(`${gw.url}/api/v1/settings`);
      return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.text() };
    };
    // The breaker (cockatiel) reads Date.now: the test moves that clock instead of sleeping.
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
    try {
      for (let i = 0; i < 3; i++)
        assert.deepEqual(await get(), { status: 503, retryAfter: null, body: '{"down":true}' });
      assert.equal(flaky.seen.length, 3);

      const refused = await get();
      assert.equal(refused.status, 503);
      assert.equal((JSON.parse(refused.body) as { code: string }).code, 'UPSTREAM_UNAVAILABLE');
      assert.equal(refused.retryAfter, '1');
      await get();
      assert.equal(flaky.seen.length, 3, 'calls while open do not reach the upstream');

      t.mock.timers.tick(299);
      assert.equal((await get()).status, 503);
      assert.equal(flaky.seen.length, 3, 'still open 1 ms before the half-open time');
      t.mock.timers.tick(1); // half-open: one trial goes through, fails, the circuit opens again
      assert.equal((await get()).body, '{"down":true}');
      assert.equal(flaky.seen.length, 4);
      assert.equal((await get()).status, 503);
      assert.equal(flaky.seen.length, 4);

      healthy = true;
      t.mock.timers.tick(300); // the next trial succeeds and closes the circuit
      assert.equal((await get()).status, 200);
      assert.equal((await get()).status, 200);
      assert.equal(flaky.seen.length, 6);

      const metrics = await (await fetch(`${gw.url}/metrics`)).text();
      assert.match(metrics, /gateway_upstream_requests_total\{upstream="settings"[^}]*\} 6/);
      assert.match(metrics, /gateway_upstream_rejected_total\{upstream="settings"[^}]*\} 4/);
      assert.match(
        metrics,
        /gateway_upstream_failures_total\{upstream="settings",reason="bad_status"[^}]*\} 4/,
      );
      assert.match(metrics, /gateway_upstream_circuit_state\{upstream="settings"[^}]*\} 0/);
    } finally {
      t.mock.timers.reset();
      await gw.close();
      await flaky.close();
    }
  });

  it('passes an upstream 4xx problem through unchanged, without tripping the circuit', async () => {
    const problem =
      '{"type":"https://mercato.dev/problems/not-found","title":"Resource not found","status":404,"code":"SETTING_NOT_FOUND"}';
    const up = await startRawUpstream((_seen, res) => {
      res.writeHead(404, { 'content-type': 'application/problem+json', 'x-correlation-id': 'from-upstream' });
      res.end(problem);
    });
    const gw = await startGateway({ upstreams: { settings: up.url }, breakerFailures: 2 });
    try {
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${gw.url}/api/v1/settings/missing`);
        assert.equal(res.status, 404);
        assert.equal(res.headers.get('content-type'), 'application/problem+json');
        assert.match(res.headers.get('x-correlation-id') ?? '', UUID, "the gateway's correlation id stands");
        assert.equal(await res.text(), problem);
      }
      assert.equal(up.seen.length, 5);
    } finally {
      await gw.close();
      await up.close();
    }
  });
});
