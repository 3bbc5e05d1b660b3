import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRedisCache } from '@mercato/platform/cache';
import { createLogger } from '@mercato/platform/logging';
import { createNatsBus } from '@mercato/platform/messaging';
import { sql } from '@mercato/platform/db';
import {
  dropSchema,
  infra,
  needs,
  startTcpProxy,
  testAuth,
  testTarget,
  uniqueSchema,
  waitFor,
  type TcpProxy,
} from '@mercato/testing';
import { settingsService } from '../src/service.ts';
import { ADMIN } from './support.ts';

// Ready means "can serve" (docs/adr/0007): a replica that lost NATS or Redis still answers
// reads and writes (the outbox keeps the events, reads skip the cache), so it stays in the
// pool and reports the outage; without its database it cannot serve and answers 503.

const hostPort = (url: string, port: number) => ({
  host: new URL(url).hostname,
  port: Number(new URL(url).port || port),
});
const skip = [await needs('postgres'), await needs('nats'), await needs('redis')].find((n) => n.skip) ?? {};

describe('readiness when dependencies go away (settings on PostgreSQL, NATS, Redis)', skip, () => {
  let pgProxy: TcpProxy;
  let natsProxy: TcpProxy;
  let redisProxy: TcpProxy;
  let runtime: Awaited<ReturnType<typeof settingsService.build>>;
  let close: () => Promise<void>;
  const schema = uniqueSchema('settings');

  before(async () => {
    const target = await testTarget('pg');
    assert.equal(target.kind, 'pg');
    const pgUrl = target.kind === 'pg' ? target.url : '';
    pgProxy = await startTcpProxy(hostPort(pgUrl, 5432));
    natsProxy = await startTcpProxy(hostPort(infra.natsUrl, 4222));
    redisProxy = await startTcpProxy(hostPort(infra.redisUrl, 6379));
    const logger = createLogger({ service: 'settings', level: 'silent' });
    const bus = await createNatsBus({
      servers: natsProxy.via(infra.natsUrl),
      name: 'readiness-test',
      logger,
    });
    const cache = createRedisCache({ url: redisProxy.via(infra.redisUrl), namespace: schema });
    runtime = await settingsService.build({
      database: { kind: 'pg', url: pgProxy.via(pgUrl), poolMax: 4 },
      schema,
      bus,
      cache,
      logger,
      auth: (await testAuth()).verifier,
      relay: { pollMs: 50 },
    });
    await runtime.start();
    close = async () => {
      await runtime.close();
      await bus.close();
      await cache.close();
      await dropSchema(target, schema);
    };
  });
  after(async () => {
    // The servers come back, so the service shuts down as it would in production.
    for (const p of [pgProxy, natsProxy, redisProxy]) await p?.restore();
    await close?.();
    for (const p of [pgProxy, natsProxy, redisProxy]) await p?.cut();
  });

  const get = (url: string) => runtime.app.inject({ method: 'GET', url });
  const ready = async () => {
    const res = await get('/health/ready');
    return {
      status: res.statusCode,
      body: res.json<{ status: string; checks: Record<string, { status: string }> }>(),
    };
  };
  const gauge = async (dependency: string) => {
    const text = (await get('/metrics')).body;
    const m = new RegExp(
      `^dependency_up\\{dependency="${dependency}",service="settings"\\} (\\d)$`,
      'm',
    ).exec(text);
    return m ? Number(m[1]) : undefined;
  };

  test('with every dependency up it is ready and each dependency_up gauge is 1', async () => {
    const r = await ready();
    assert.equal(r.status, 200);
    assert.equal(r.body.status, 'ready');
    for (const d of ['database', 'bus', 'cache']) assert.equal(await gauge(d), 1, d);
  });

  test('without NATS and Redis it answers 200 degraded, names them, and still serves reads and writes', async () => {
    await natsProxy.cut();
    await redisProxy.cut();
    await waitFor(async () => (await ready()).body.status === 'degraded', 10_000, 'a degraded readiness');
    const r = await ready();
    assert.equal(r.status, 200);
    assert.deepEqual(Object.fromEntries(Object.entries(r.body.checks).map(([k, v]) => [k, v.status])), {
      database: 'up',
      bus: 'down',
      cache: 'down',
    });
    assert.equal(await gauge('bus'), 0);
    assert.equal(await gauge('cache'), 0);
    assert.equal(await gauge('database'), 1);

    // A write commits and its event waits in the outbox; a read (cached in normal times) is served.
    const auth = await (await testAuth()).headers(ADMIN);
    const created = await runtime.app.inject({
      method: 'POST',
      url: '/api/v1/feature-flags',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ key: 'degraded-write', enabled: true }),
    });
    assert.equal(created.statusCode, 201, created.body);
    const evaluated = await get('/api/v1/feature-flags/degraded-write/evaluate?subject=u1');
    assert.equal(evaluated.statusCode, 200, evaluated.body);
    assert.equal(evaluated.json<{ enabled: boolean }>().enabled, true);
    const pending = await sql<{ n: string }>`select count(*) as n from ${sql.id(schema, 'outbox')}
      where type = 'feature_flag.changed'`.execute(runtime.ctx.database.db);
    assert.equal(Number(pending.rows[0]?.n), 1, 'the event waits in the outbox');
  });

  test('once NATS and Redis are back it is ready again and the held event is published', async () => {
    await natsProxy.restore();
    await redisProxy.restore();
    await waitFor(async () => (await ready()).body.status === 'ready', 15_000, 'readiness after the outage');
    await waitFor(
      async () => {
        const left = await sql<{ n: string }>`select count(*) as n from ${sql.id(schema, 'outbox')}`.execute(
          runtime.ctx.database.db,
        );
        return Number(left.rows[0]?.n) === 0;
      },
      15_000,
      'the outbox to drain',
    );
    assert.equal(await gauge('bus'), 1);
    assert.equal(await gauge('cache'), 1);
  });

  test('without its database it answers 503 not_ready', async () => {
    await pgProxy.cut();
    const r = await ready();
    assert.equal(r.status, 503);
    assert.equal(r.body.status, 'not_ready');
    assert.equal(r.body.checks.database?.status, 'down');
    assert.equal(await gauge('database'), 0);
  });
});
