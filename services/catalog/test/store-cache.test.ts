import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { EventEnvelope } from '@mercato/contracts';
import { createRedisCache, type Cache } from '@mercato/platform/cache';
import { createNatsBus, type EventBus } from '@mercato/platform/messaging';
import {
  closeTestPglite,
  deleteTestDurable,
  infra,
  needs,
  startTestService,
  testEvent,
  waitFor,
  type TestService,
} from '@mercato/testing';
import type { CatalogDB } from '../src/db.ts';
import { catalogService } from '../src/service.ts';
import { call, productBody, type Body } from './support.ts';

const BASE = '/api/v1/products';

after(closeTestPglite);

/** Statements that read or write catalog data (the relay's outbox polling is not one). */
const catalogQueries = (svc: TestService<CatalogDB>, from: number) =>
  svc.queries.slice(from).filter((q) => /"(products|variants|categories|brands)"/.test(q));

const setups = [
  { name: 'PGlite, memory cache', kind: 'pglite' as const, redis: false },
  { name: 'PostgreSQL, Redis cache', kind: 'pg' as const, redis: true },
];

for (const setup of setups) {
  const skip = setup.kind === 'pg' ? (await needs('postgres')).skip || (await needs('redis')).skip : false;
  describe(`catalog store read cache (${setup.name})`, { skip }, () => {
    let svc: TestService<CatalogDB>;
    let cache: Cache | undefined;
    let id: string;

    before(async () => {
      cache = setup.redis
        ? createRedisCache({
            url: infra.redisUrl,
            namespace: `catalog-test-${randomBytes(4).toString('hex')}`,
          })
        : undefined;
      svc = await startTestService(catalogService, setup.kind, cache ? { cache } : {});
      const res = await call(svc, 'POST', BASE, { body: productBody('cached-mug', { title: 'Cached mug' }) });
      assert.equal(res.status, 201);
      id = res.body.id;
      // The product.created event drops the cache when consumed: let that happen first.
      await svc.flush();
    });
    after(async () => {
      await svc?.close();
      await cache?.invalidatePrefix('').catch(() => undefined);
      await cache?.close();
    });

    test('a repeated product read is served from the cache: no SQL reaches the catalog tables', async () => {
      // The invalidation a consumed event starts runs on its own (after its commit), and may
      // land between two reads: the pair is read again until none came between.
      let mark = 0;
      await waitFor(
        async () => {
          const first = await call(svc, 'GET', `${BASE}/cached-mug`);
          assert.equal(first.status, 200);
          mark = svc.queries.length;
          const second = await call(svc, 'GET', `${BASE}/cached-mug`);
          assert.equal(second.status, 200);
          assert.deepEqual(second.body, first.body);
          return catalogQueries(svc, mark).length === 0;
        },
        5000,
        'a repeated read served from the cache',
      );
      // The uncached read did reach the database (the counter sees queries at all).
      await call(svc, 'GET', `${BASE}/sku/CACHED-MUG`);
      assert.ok(catalogQueries(svc, mark).length > 0);
    });

    test('reads carry an ETag and Cache-Control; If-None-Match with it answers 304 with no body', async () => {
      const first = await call(svc, 'GET', `${BASE}?pageSize=5`);
      const etag = String(first.headers.etag);
      assert.match(etag, /^W\/".+"$/);
      assert.equal(first.headers['cache-control'], 'public, no-cache');
      const again = await call(svc, 'GET', `${BASE}?pageSize=5`, { headers: { 'if-none-match': etag } });
      assert.equal(again.status, 304);
      assert.equal(again.body, undefined);
      assert.equal(again.headers.etag, etag);
      const stale = await call(svc, 'GET', `${BASE}?pageSize=5`, { headers: { 'if-none-match': 'W/"old"' } });
      assert.equal(stale.status, 200);
    });

    test('an update is visible on the very next read of the product and of the listing', async () => {
      const before = await call(svc, 'GET', `${BASE}/cached-mug`);
      const listed = await call(svc, 'GET', `${BASE}?search=mug`);
      assert.equal(listed.body.totalCount, 1);
      const patch = await call(svc, 'PATCH', `${BASE}/${id}`, {
        body: { title: 'Cached stoneware mug' },
        headers: { 'if-match': `"${before.body.version}"` },
      });
      assert.equal(patch.status, 200, JSON.stringify(patch.body));
      const after = await call(svc, 'GET', `${BASE}/cached-mug`);
      assert.equal(after.body.title, 'Cached stoneware mug');
      assert.notEqual(after.headers.etag, before.headers.etag);
      const search = await call(svc, 'GET', `${BASE}?search=stoneware`);
      assert.equal(search.body.totalCount, 1);
      const created = await call(svc, 'POST', BASE, {
        body: productBody('cached-cup', { title: 'Cached cup' }),
      });
      assert.equal(created.status, 201);
      assert.equal((await call(svc, 'GET', `${BASE}?search=cached`)).body.totalCount, 2);
    });

    test('a change another replica made is dropped from the cache when its event arrives', async () => {
      const seen = (await call(svc, 'GET', `${BASE}/cached-cup`)).body as Body;
      // Another replica's write: the row changes without this replica's use case running.
      await svc.runtime.ctx.database.db
        .updateTable('products')
        .set({ title: 'Cup changed elsewhere' })
        .where('id', '=', seen.id)
        .execute();
      assert.equal((await call(svc, 'GET', `${BASE}/cached-cup`)).body.title, 'Cached cup', 'still cached');
      await svc.bus.publish(
        testEvent('product.updated', seen.id, {
          productId: seen.id,
          handle: 'cached-cup',
          skus: ['CACHED-CUP'],
          title: 'Cup changed elsewhere',
          status: 'active',
          version: 2,
        }),
      );
      await waitFor(
        async () => (await call(svc, 'GET', `${BASE}/cached-cup`)).body.title === 'Cup changed elsewhere',
        5000,
        'invalidation by event',
      );
    });
  });
}

describe('catalog events on NATS JetStream', await needs('nats'), () => {
  test('creating a product publishes exactly one product.created to JetStream', async () => {
    const nats = await createNatsBus({ servers: infra.natsUrl, name: 'catalog-events-test' });
    // Publish through NATS but keep this test's catalog off the shared durable consumers.
    const bus: EventBus = { ...nats, subscribe: async () => ({ stop: async () => undefined }) };
    const svc = await startTestService(catalogService, 'pglite', { bus });
    const seen: EventEnvelope[] = [];
    const durable = `catalog-events-test-${randomBytes(4).toString('hex')}`;
    const sub = await nats.subscribe({
      durable,
      types: ['product.created'],
      handler: async (event) => {
        seen.push(event);
      },
    });
    try {
      const handle = `nats-mug-${randomBytes(3).toString('hex')}`;
      const res = await call(svc, 'POST', BASE, { body: productBody(handle) });
      assert.equal(res.status, 201);
      await svc.flush();
      const mine = () => seen.filter((e) => e.subject === res.body.id);
      await waitFor(() => mine().length > 0, 10_000, 'product.created on NATS');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(mine().length, 1);
      assert.deepEqual(mine()[0]!.data, {
        productId: res.body.id,
        handle,
        skus: [handle.toUpperCase()],
        title: `Product ${handle}`,
        status: 'active',
        version: 1,
      });
    } finally {
      await sub.stop();
      await svc.close();
      await nats.close();
      await deleteTestDurable(durable, 'product.created');
    }
  });
});
