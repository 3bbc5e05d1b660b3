// Races on real PostgreSQL (PGlite runs one statement at a time, so it cannot race).
import { newId } from '@mercato/platform/ids';
import type { ServiceRuntime } from '@mercato/platform/service';
import { injectJson, needs, startTestService, testAuth, TEST_ADMIN, type Reply } from '@mercato/testing';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { DiscountDB } from '../src/db.ts';
import { discountService } from '../src/service.ts';
import { call, code, line, promotion, startReplica, uniqueCode, type Parts, type Svc } from './support.ts';

describe('discount limits under concurrency (pg)', await needs('postgres'), () => {
  let svc: Svc;
  let replica: ServiceRuntime<DiscountDB, Parts>;
  before(async () => {
    svc = await startTestService(discountService, 'pg');
    replica = await startReplica(svc, 'pg');
  });
  after(async () => {
    await replica?.close();
    await svc?.close();
  });

  test('a code limited to 100 uses: 1,000 concurrent reserves over two instances hold exactly 100; releases give the uses back', async () => {
    const p = await promotion(svc, { trigger: 'code', usageLimit: 100 });
    const c = uniqueCode('RACE');
    await code(svc, p.id, c);
    const headers = { ...(await (await testAuth()).headers(TEST_ADMIN)), 'content-type': 'application/json' };
    const reserveOn = async (app: typeof svc.runtime.app, checkoutId: string): Promise<Reply> => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/discounts/redemptions',
        headers,
        payload: JSON.stringify({ checkoutId, currency: 'USD', codes: [c], lines: [line(1000, 1)] }),
      });
      return { status: res.statusCode, headers: res.headers, body: res.json() };
    };
    const ids = Array.from({ length: 1000 }, () => newId());
    const replies = await Promise.all(
      ids.map((id, i) => reserveOn(i % 2 ? replica.app : svc.runtime.app, id)),
    );
    const held = ids.filter((_, i) => replies[i]?.status === 201);
    const refused = replies.filter((r) => r.status === 409 && r.body.code === 'DISCOUNT_LIMIT_REACHED');
    assert.equal(held.length, 100, `statuses: ${JSON.stringify(countBy(replies.map((r) => r.status)))}`);
    assert.equal(
      refused.length,
      900,
      JSON.stringify(countBy(replies.filter((r) => r.status !== 201).map((r) => r.body.code))),
    );
    const usage = async () =>
      (await call(svc, 'GET', `/api/v1/discounts/promotions/${p.id}/usage`, { as: TEST_ADMIN })).body;
    assert.equal((await usage()).uses, 100);
    assert.equal((await usage()).held, 100);

    // Release 30 (half on each instance, concurrently): 30 uses come back, and only 30.
    const releases = await Promise.all(
      held.slice(0, 30).map((id, i) =>
        injectJson(
          { ...svc, runtime: { ...svc.runtime, app: i % 2 ? replica.app : svc.runtime.app } } as Svc,
          'POST',
          `/api/v1/discounts/redemptions/${id}/release`,
          {
            headers,
            body: {},
          },
        ),
      ),
    );
    assert.deepEqual(new Set(releases.map((r) => r.status)), new Set([200]));
    assert.equal((await usage()).uses, 70);
    const again = await Promise.all(
      Array.from({ length: 100 }, (_, i) => reserveOn(i % 2 ? replica.app : svc.runtime.app, newId())),
    );
    assert.equal(again.filter((r) => r.status === 201).length, 30);
    assert.equal((await usage()).uses, 100);
  });
});

function countBy(xs: Array<number | string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}
