import { newId } from '@mercato/platform/ids';
import { closeTestPglite, needs, startTestService, testAuth } from '@mercato/testing';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CODE_ALPHABET } from '../src/codes/code-generator.ts';
import { discountService } from '../src/service.ts';
import {
  call,
  code,
  evaluate,
  eventsFor,
  expectProblem,
  line,
  promotion,
  uniqueCode,
  type Body,
  type Svc,
} from './support.ts';

after(closeTestPglite);

const ADMIN = { roles: ['admin'] };

for (const kind of ['pglite', 'pg'] as const) {
  describe(`discount administration (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let svc: Svc;
    before(async () => {
      svc = await startTestService(discountService, kind);
    });
    after(() => svc?.close());

    test('a promotion is created, read with its ETag, changed with If-Match and announced each time', async () => {
      const p = await promotion(svc, { name: 'Spring 15', trigger: 'code', percentOff: 15, usageLimit: 50 });
      assert.equal(p.percentOff, 15);
      assert.equal(p.version, 1);
      const got = await call(svc, 'GET', `/api/v1/discounts/promotions/${p.id}`, { as: ADMIN });
      assert.equal(got.headers.etag, '"1"');
      const url = `/api/v1/discounts/promotions/${p.id}`;
      expectProblem(
        await call(svc, 'PATCH', url, { body: { status: 'paused' } }),
        428,
        'PRECONDITION_REQUIRED',
      );
      expectProblem(
        await call(svc, 'PATCH', url, { body: { status: 'paused' }, headers: { 'if-match': '"7"' } }),
        412,
        'PRECONDITION_FAILED',
      );
      const paused = await call(svc, 'PATCH', url, {
        body: { status: 'paused' },
        headers: { 'if-match': '"1"' },
      });
      assert.equal(paused.status, 200, JSON.stringify(paused.body));
      assert.equal(paused.body.status, 'paused');
      assert.equal(paused.body.version, 2);
      const events = await eventsFor(svc, 'promotion.changed', p.id);
      assert.deepEqual(
        events.map((e) => [e.data.action, e.data.status, e.data.version]),
        [
          ['created', 'active', 1],
          ['updated', 'paused', 2],
        ],
      );
    });

    test('settings that do not fit the kind are refused with every misfit named, and nothing is saved', async () => {
      const before = (await call(svc, 'GET', '/api/v1/discounts/promotions?pageSize=1', { as: ADMIN })).body
        .totalCount;
      const bad = await call(svc, 'POST', '/api/v1/discounts/promotions', {
        body: { name: 'Bad', kind: 'fixed_amount', trigger: 'automatic', percentOff: 10, minSubtotal: 100 },
      });
      const problem = expectProblem(bad, 422, 'DISCOUNT_PROMOTION_INVALID');
      assert.deepEqual(problem.errors.map((e: Body) => e.path).sort(), [
        '/body/amountOff',
        '/body/currency',
        '/body/percentOff',
      ]);
      expectProblem(
        await call(svc, 'POST', '/api/v1/discounts/promotions', {
          body: { name: 'Odd', kind: 'percentage', trigger: 'automatic', percentOff: 10.005 },
        }),
        422,
        'DISCOUNT_PROMOTION_INVALID',
      );
      expectProblem(
        await call(svc, 'POST', '/api/v1/discounts/promotions', {
          body: {
            name: 'Lost',
            kind: 'percentage',
            trigger: 'automatic',
            percentOff: 5,
            campaignId: newId(),
          },
        }),
        404,
        'DISCOUNT_CAMPAIGN_NOT_FOUND',
      );
      expectProblem(
        await call(svc, 'POST', '/api/v1/discounts/promotions', {
          body: { name: 'X', kind: 'percentage', trigger: 'automatic', percentOff: 5 },
          as: { roles: ['customer'] },
        }),
        403,
        'FORBIDDEN',
      );
      const after = (await call(svc, 'GET', '/api/v1/discounts/promotions?pageSize=1', { as: ADMIN })).body
        .totalCount;
      assert.equal(after, before);
    });

    test('promotions are listed newest first and found by name, status and trigger', async () => {
      const tag = newId().slice(-8);
      await promotion(svc, { name: `Findme ${tag} A` });
      const b = await promotion(svc, { name: `Findme ${tag} B`, trigger: 'code', status: 'paused' });
      const all = await call(svc, 'GET', `/api/v1/discounts/promotions?search=findme%20${tag}`, {
        as: ADMIN,
      });
      assert.equal(all.body.totalCount, 2);
      assert.equal(all.body.items[0].id, b.id);
      const paused = await call(
        svc,
        'GET',
        `/api/v1/discounts/promotions?search=${tag}&status=paused&trigger=code`,
        {
          as: ADMIN,
        },
      );
      assert.deepEqual(
        paused.body.items.map((p: Body) => p.id),
        [b.id],
      );
      expectProblem(await call(svc, 'GET', '/api/v1/discounts/promotions'), 401, 'UNAUTHORIZED');
    });

    test('a batch of 10,000 single-use codes is generated in one request, unique, unambiguous, exported as CSV', async () => {
      const p = await promotion(svc, { trigger: 'code' });
      const res = await call(svc, 'POST', `/api/v1/discounts/promotions/${p.id}/code-batches`, {
        body: { count: 10_000, prefix: 'SPRING-', length: 8 },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.count, 10_000);
      assert.equal(res.body.usageLimit, 1);
      const csv = await svc.runtime.app.inject({
        method: 'GET',
        url: res.body.csv,
        headers: await (await testAuth()).headers(ADMIN),
      });
      assert.equal(csv.statusCode, 200);
      assert.match(String(csv.headers['content-type']), /^text\/csv/);
      const rows = csv.body.trim().split('\r\n');
      assert.equal(rows[0], 'code,usage_limit,uses');
      const codes = rows.slice(1).map((r) => r.split(',')[0] ?? '');
      assert.equal(codes.length, 10_000);
      assert.equal(new Set(codes).size, 10_000);
      const allowed = new RegExp(`^SPRING-[${CODE_ALPHABET}]{8}$`);
      for (const c of codes) assert.match(c, allowed);
      const listed = await call(
        svc,
        'GET',
        `/api/v1/discounts/promotions/${p.id}/codes?batchId=${res.body.id}&pageSize=5`,
        {
          as: ADMIN,
        },
      );
      assert.equal(listed.body.totalCount, 10_000);
      // A generated code works typed in lower case, once.
      const one = codes[0] ?? '';
      const ev = await evaluate(svc, { codes: [one.toLowerCase()], lines: [line(1000, 1)] });
      assert.ok(ev.body.applied.some((a: Body) => a.code === one));
      const usage = await call(svc, 'GET', `/api/v1/discounts/promotions/${p.id}/usage`, { as: ADMIN });
      assert.deepEqual(usage.body.codes, { total: 10_000, used: 0 });
    });

    test('single codes are unique across promotions, case-insensitively; an automatic promotion takes none', async () => {
      const p = await promotion(svc, { trigger: 'code' });
      const c = uniqueCode();
      await code(svc, p.id, c.toLowerCase());
      const q = await promotion(svc, { trigger: 'code' });
      expectProblem(
        await call(svc, 'POST', `/api/v1/discounts/promotions/${q.id}/codes`, { body: { code: c } }),
        409,
        'DISCOUNT_CODE_EXISTS',
      );
      const auto = await promotion(svc);
      expectProblem(
        await call(svc, 'POST', `/api/v1/discounts/promotions/${auto.id}/codes`, {
          body: { code: uniqueCode() },
        }),
        422,
        'DISCOUNT_PROMOTION_INVALID',
      );
      expectProblem(
        await call(svc, 'POST', `/api/v1/discounts/promotions/${newId()}/codes`, {
          body: { code: uniqueCode() },
        }),
        404,
        'DISCOUNT_PROMOTION_NOT_FOUND',
      );
    });

    test('a paused campaign stops its promotions; its schedule narrows theirs', async () => {
      const res = await call(svc, 'POST', '/api/v1/discounts/campaigns', { body: { name: 'Summer' } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const campaign = res.body;
      const p = await promotion(svc, { trigger: 'code', campaignId: campaign.id });
      const c = uniqueCode();
      await code(svc, p.id, c);
      const applies = async () => (await evaluate(svc, { codes: [c], lines: [line(1000, 1)] })).body;
      assert.deepEqual((await applies()).refused, []);
      const url = `/api/v1/discounts/campaigns/${campaign.id}`;
      const paused = await call(svc, 'PATCH', url, {
        body: { status: 'paused' },
        headers: { 'if-match': '"1"' },
      });
      assert.equal(paused.status, 200, JSON.stringify(paused.body));
      assert.equal(paused.body.promotions, 1);
      assert.equal((await applies()).refused[0].reason, 'DISCOUNT_INACTIVE');
      const ended = await call(svc, 'PATCH', url, {
        body: { status: 'active', endsAt: new Date(Date.now() - 60_000).toISOString() },
        headers: { 'if-match': '"2"' },
      });
      assert.equal(ended.status, 200);
      assert.equal((await applies()).refused[0].reason, 'DISCOUNT_EXPIRED');
      expectProblem(
        await call(svc, 'PATCH', url, {
          body: { startsAt: new Date().toISOString(), endsAt: new Date(Date.now() - 1000).toISOString() },
          headers: { 'if-match': '"3"' },
        }),
        422,
        'DISCOUNT_CAMPAIGN_INVALID',
      );
      const list = await call(svc, 'GET', '/api/v1/discounts/campaigns?search=summer', { as: ADMIN });
      assert.ok(list.body.items.some((x: Body) => x.id === campaign.id));
    });

    test('the demo seed is idempotent and WELCOME10 and free shipping over $50 work', async () => {
      const seed = discountService.seed;
      assert.ok(seed);
      const { ctx, parts } = svc.runtime;
      await seed(ctx as never, parts);
      await seed(ctx as never, parts);
      // The seed writes rows directly (it runs before a process serves): drop what evaluate cached.
      parts.evaluation.invalidate();
      const res = await evaluate(svc, { codes: ['welcome10'], lines: [line(3000, 2)], shippingAmount: 500 });
      assert.equal(res.status, 200);
      const welcome = res.body.applied.find((a: Body) => a.code === 'WELCOME10');
      assert.ok(welcome.amount > 0);
      assert.equal(res.body.freeShipping, true);
      const list = await call(svc, 'GET', '/api/v1/discounts/promotions?search=welcome', { as: ADMIN });
      assert.equal(list.body.totalCount, 1);
    });
  });
}
