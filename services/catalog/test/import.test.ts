import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Readable } from 'node:stream';
import {
  closeTestPglite,
  metricValue,
  needs,
  startTestService,
  testAuth,
  type MintOptions,
  type TestService,
} from '@mercato/testing';
import type { CatalogDB } from '../src/db.ts';
import { catalogService } from '../src/service.ts';
import { ADMIN, call, eventsFor, expectProblem, type Reply } from './support.ts';

const IMPORT = '/api/v1/products/import';
const eur = (amount: number) => ({ amount, currency: 'EUR' });
const jsonl = (rows: unknown[]) =>
  rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n');

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(`catalog bulk import (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let svc: TestService<CatalogDB>;

    before(async () => {
      svc = await startTestService(catalogService, kind);
      for (const [path, handle] of [
        ['brands', 'acme'],
        ['categories', 'mugs'],
        ['categories', 'shirts'],
      ] as const) {
        const res = await call(svc, 'POST', `/api/v1/${path}`, { body: { handle, name: handle } });
        assert.equal(res.status, 201, JSON.stringify(res.body));
      }
    });
    after(async () => {
      await svc?.close();
    });

    async function send(
      payload: string,
      opts: { type?: string; query?: string; as?: MintOptions | 'anonymous' } = {},
    ): Promise<Reply> {
      const as = opts.as ?? ADMIN;
      const auth = as === 'anonymous' ? {} : await (await testAuth()).headers(as);
      const res = await svc.runtime.app.inject({
        method: 'POST',
        url: `${IMPORT}${opts.query ?? ''}`,
        headers: { ...auth, 'content-type': opts.type ?? 'application/x-ndjson' },
        payload,
      });
      return { status: res.statusCode, headers: res.headers, body: res.body ? res.json() : undefined };
    }

    async function countProducts(handles: string[]): Promise<number> {
      const row = await svc.runtime.ctx.database.db
        .selectFrom('products')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('handle', 'in', handles)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    }

    test('JSON lines in several batches are all created, counted, readable by handle, and each publishes product.created once', async () => {
      const rows = Array.from({ length: 5 }, (_, i) => ({
        handle: `jl-${i}`,
        title: `JL ${i}`,
        status: 'active',
        brand: 'acme',
        categories: ['mugs'],
        price: eur(1000 + i),
      }));
      const res = await send(`${jsonl(rows)}\n\n`, { query: '?batchSize=2' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(
        res.body.batches.map(
          (b: { firstLine: number; lastLine: number; status: string; created: number }) => [
            b.firstLine,
            b.lastLine,
            b.status,
            b.created,
          ],
        ),
        [
          [1, 2, 'imported', 2],
          [3, 4, 'imported', 2],
          [5, 5, 'imported', 1],
        ],
      );
      assert.deepEqual(res.body.totals, {
        rows: 5,
        created: 5,
        updated: 0,
        unchanged: 0,
        rejectedRows: 0,
        rejectedBatches: 0,
      });
      const got = await call(svc, 'GET', '/api/v1/products/jl-3');
      assert.equal(got.status, 200, JSON.stringify(got.body));
      assert.deepEqual(got.body.price, eur(1003));
      assert.equal(got.body.variants[0].sku, 'JL-3');
      assert.equal(got.body.categoryIds.length, 1);
      assert.ok(got.body.brandId);
      for (const { handle } of rows) {
        const id = (await call(svc, 'GET', `/api/v1/products/${handle}`)).body.id;
        assert.equal((await eventsFor(svc, 'product.created', id)).length, 1, handle);
      }
    });

    test('a batch with bad rows is rejected whole, naming each bad line and path, while the other batches are imported', async () => {
      await send(jsonl([{ handle: 'owner', title: 'Owner', price: eur(100), defaultSku: 'OWNED-SKU' }]));
      const metric = (name: string, labels: Record<string, string>) =>
        metricValue(svc.runtime.app, name, labels);
      const partialBefore = await metric('product_imports_total', { outcome: 'partial' });
      const createdBefore = await metric('product_import_rows_total', { result: 'created' });
      const rejectedBefore = await metric('product_import_rows_total', { result: 'rejected' });
      const good = (h: string) => ({ handle: h, title: h, status: 'active', price: eur(500) });
      const body = jsonl([
        good('ok-a'), // batch 0: lines 1-3
        good('ok-b'),
        good('ok-c'),
        good('bad-neighbour'), // batch 1: lines 4-6
        { handle: 'bad-price', title: 'x', price: { amount: -5, currency: 'EUR' } },
        { handle: 'bad-brand', title: 'x', brand: 'no-such-brand', price: eur(1) },
        {
          handle: 'bad-dup', // batch 2: lines 7-9
          title: 'x',
          variants: [
            { sku: 'DUP-1', price: eur(1) },
            { sku: 'DUP-1', price: eur(2) },
          ],
        },
        { handle: 'bad-owned', title: 'x', variants: [{ sku: 'OWNED-SKU', price: eur(1) }] },
        '{"handle": "broken", "title": ',
        good('ok-d'), // batch 3: line 10
      ]);
      const res = await send(body, { query: '?batchSize=3' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(
        res.body.batches.map((b: { status: string; created: number }) => [b.status, b.created]),
        [
          ['imported', 3],
          ['rejected', 0],
          ['rejected', 0],
          ['imported', 1],
        ],
      );
      const byLine = Object.fromEntries(
        res.body.batches.flatMap(
          (b: { errors: { line: number; errors: { path: string; code?: string }[] }[] }) =>
            b.errors.map((r) => [r.line, r.errors.map((e) => `${e.path} ${e.code}`)]),
        ),
      );
      assert.deepEqual(byLine, {
        5: ['/price/amount VALIDATION_FAILED'],
        6: ['/brand CATALOG_BRAND_NOT_FOUND'],
        7: ['/variants/1/sku CATALOG_SKU_TAKEN'],
        8: ['/variants/0/sku CATALOG_SKU_TAKEN'],
        9: [' CATALOG_IMPORT_ROW_UNREADABLE'],
      });
      assert.equal(res.body.batches[1].errors[0].handle, 'bad-price');
      assert.deepEqual(res.body.totals, {
        rows: 10,
        created: 4,
        updated: 0,
        unchanged: 0,
        rejectedRows: 6,
        rejectedBatches: 2,
      });
      // The import is counted on /metrics as dashboards chart it: one partial, its rows by result.
      assert.equal((await metric('product_imports_total', { outcome: 'partial' })) - partialBefore, 1);
      assert.equal((await metric('product_import_rows_total', { result: 'created' })) - createdBefore, 4);
      assert.equal((await metric('product_import_rows_total', { result: 'rejected' })) - rejectedBefore, 6);
      const rejected = ['bad-neighbour', 'bad-price', 'bad-brand', 'bad-dup', 'bad-owned'];
      for (const h of rejected)
        assert.equal((await call(svc, 'GET', `/api/v1/products/${h}`)).status, 404, h);
      assert.equal(await countProducts(rejected), 0);
      assert.equal(await countProducts(['ok-a', 'ok-b', 'ok-c', 'ok-d']), 4);
      assert.equal((await call(svc, 'GET', '/api/v1/products/sku/DUP-1')).status, 404);
    });

    test('a row holding a NUL character (JSON lines or CSV) is reported as a bad row naming the field; the other batches are imported', async () => {
      const good = (h: string) => ({ handle: h, title: h, status: 'active', price: eur(500) });
      const res = await send(
        jsonl([
          good('nul-ok-a'),
          { ...good('nul-title'), title: 'Te\u0000e' },
          { ...good('nul-brand'), brand: 'ac\u0000me' },
          { ...good('nul-attr'), attributes: { 'mat\u0000': 'x' } },
          good('nul-ok-b'),
        ]),
        { query: '?batchSize=1' },
      );
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(
        res.body.batches.map((b: { status: string }) => b.status),
        ['imported', 'rejected', 'rejected', 'rejected', 'imported'],
      );
      assert.deepEqual(
        res.body.batches.flatMap(
          (b: { errors: { line: number; errors: { path: string; code: string }[] }[] }) =>
            b.errors.map((r) => [r.line, r.errors.map((e) => `${e.path} ${e.code}`)]),
        ),
        [
          [2, ['/title VALIDATION_FAILED']],
          [3, ['/brand VALIDATION_FAILED']],
          [4, ['/attributes/mat\u0000 VALIDATION_FAILED']],
        ],
      );
      const csv = ['handle,title,sku,price_amount,currency', 'nul-csv,Cup\u0000,NUL-CSV-1,300,EUR'].join(
        '\n',
      );
      const fromCsv = await send(csv, { type: 'text/csv' });
      assert.equal(fromCsv.status, 200, JSON.stringify(fromCsv.body));
      assert.equal(fromCsv.body.batches[0].status, 'rejected');
      assert.equal(fromCsv.body.batches[0].errors[0].errors[0].path, '/title');
      assert.equal(await countProducts(['nul-ok-a', 'nul-ok-b']), 2);
      assert.equal(await countProducts(['nul-title', 'nul-brand', 'nul-attr', 'nul-csv']), 0);
    });

    test('CSV rows of one handle are one product with its variants, options, typed attributes and images', async () => {
      const csv = [
        'handle,title,status,brand,categories,sku,price_amount,currency,compare_at_amount,option.size,option.colour,attr.material,attr.organic,attr.gsm,image_url,image_alt',
        'tee,Tee,active,acme,shirts|mugs,TEE-S,1500,EUR,2000,S,red,cotton,true,180,/img/tee.png,Front',
        'tee,,,,,TEE-M,1400,EUR,,M,red,,,,/img/tee-back.png,',
        'tee,,,,,TEE-L,1600,EUR,,L,blue,,,,,',
        '"cap","Cap, ""classic""",active,,,,900,EUR,,,,,,,,',
      ].join('\r\n');
      const res = await send(csv, { type: 'text/csv; charset=utf-8', query: '?batchSize=3' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      // The three tee rows fill one batch: the cap does not fit, and the tee is never split.
      assert.deepEqual(
        res.body.batches.map((b: { firstLine: number; lastLine: number; rows: number }) => [
          b.firstLine,
          b.lastLine,
          b.rows,
        ]),
        [
          [2, 4, 3],
          [5, 5, 1],
        ],
      );
      assert.equal(res.body.totals.created, 2);
      const tee = (await call(svc, 'GET', '/api/v1/products/tee')).body;
      assert.deepEqual(
        tee.variants.map((v: { sku: string; options: object; price: object; compareAtPrice: object }) => [
          v.sku,
          v.options,
          v.price,
          v.compareAtPrice,
        ]),
        [
          ['TEE-S', { size: 'S', colour: 'red' }, eur(1500), eur(2000)],
          ['TEE-M', { size: 'M', colour: 'red' }, eur(1400), null],
          ['TEE-L', { size: 'L', colour: 'blue' }, eur(1600), null],
        ],
      );
      assert.deepEqual(tee.attributes, { material: 'cotton', organic: true, gsm: 180 });
      assert.deepEqual(tee.images, [
        { url: '/img/tee.png', alt: 'Front' },
        { url: '/img/tee-back.png', alt: '' },
      ]);
      assert.equal(tee.categoryIds.length, 2);
      const cap = (await call(svc, 'GET', '/api/v1/products/cap')).body;
      assert.equal(cap.title, 'Cap, "classic"');
      assert.equal(cap.variants[0].sku, 'CAP');
    });

    test('a bad CSV variant row is reported on its own line and the product is not imported', async () => {
      const csv = [
        'handle,title,sku,price_amount,currency',
        'sock,Sock,SOCK-1,300,EUR',
        'sock,,SOCK-2,3.50,EUR',
      ].join('\n');
      const res = await send(csv, { type: 'text/csv' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.batches[0].status, 'rejected');
      assert.deepEqual(res.body.batches[0].errors, [
        {
          line: 3,
          handle: 'sock',
          errors: [
            { path: '/variants/1/price/amount', message: 'must be integer', code: 'VALIDATION_FAILED' },
          ],
        },
      ]);
      assert.equal(await countProducts(['sock']), 0);
    });

    test('re-importing a changed price updates the variant and publishes price.changed; identical data changes nothing', async () => {
      const row = {
        handle: 'reprice',
        title: 'Reprice',
        status: 'active',
        variants: [
          { sku: 'RP-1', price: eur(1000) },
          { sku: 'RP-2', price: eur(2000) },
        ],
      };
      assert.equal((await send(jsonl([row]))).body.totals.created, 1);
      const { id } = (await call(svc, 'GET', '/api/v1/products/reprice')).body;
      const changed = { ...row, variants: [{ sku: 'RP-1', price: eur(900) }, row.variants[1]] };
      const res = await send(jsonl([changed]));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual([res.body.totals.created, res.body.totals.updated], [0, 1]);
      const product = (await call(svc, 'GET', '/api/v1/products/reprice')).body;
      assert.deepEqual(product.variants[0].price, eur(900));
      assert.equal(product.version, 1, 'the product row itself did not change');
      const events = await eventsFor(svc, 'price.changed', 'RP-1');
      assert.equal(events.length, 1);
      assert.deepEqual(events[0]?.data, {
        productId: id,
        sku: 'RP-1',
        oldPrice: eur(1000),
        newPrice: eur(900),
      });
      const before = svc.published.length;
      const again = await send(jsonl([changed]));
      assert.deepEqual(again.body.totals, {
        rows: 1,
        created: 0,
        updated: 0,
        unchanged: 1,
        rejectedRows: 0,
        rejectedBatches: 0,
      });
      await svc.flush();
      assert.equal(svc.published.length, before, 'no event for an identical re-import');
      assert.equal((await call(svc, 'GET', '/api/v1/products/reprice')).body.variants.length, 2);
    });

    test('re-importing with a new title and a new SKU updates the product, adds the variant and leaves the others', async () => {
      await send(
        jsonl([
          { handle: 'grow', title: 'Grow', status: 'active', variants: [{ sku: 'GR-1', price: eur(10) }] },
        ]),
      );
      const { id } = (await call(svc, 'GET', '/api/v1/products/grow')).body;
      const res = await send(
        jsonl([{ handle: 'grow', title: 'Grown', variants: [{ sku: 'GR-2', price: eur(20) }] }]),
      );
      assert.equal(res.body.totals.updated, 1, JSON.stringify(res.body));
      const product = (await call(svc, 'GET', '/api/v1/products/grow')).body;
      assert.equal(product.title, 'Grown');
      assert.equal(product.status, 'active', 'a row without status keeps it');
      assert.deepEqual(
        product.variants.map((v: { sku: string }) => v.sku),
        ['GR-1', 'GR-2'],
      );
      const updated = await eventsFor(svc, 'product.updated', id);
      assert.equal(updated.length, 1);
      assert.deepEqual((updated[0]?.data as { skus: string[] }).skus, ['GR-1', 'GR-2']);
    });

    test('a body streamed in small chunks (split inside lines and characters) imports every row, 200 per batch by default', async () => {
      const text = jsonl(
        Array.from({ length: 450 }, (_, i) => ({
          handle: `st-${i}`,
          title: `Stück ${i}`,
          price: eur(i + 1),
        })),
      );
      const bytes = Buffer.from(text);
      const chunks = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) =>
        bytes.subarray(i * 7, i * 7 + 7),
      );
      const res = await svc.runtime.app.inject({
        method: 'POST',
        url: IMPORT,
        headers: { ...(await (await testAuth()).headers(ADMIN)), 'content-type': 'application/jsonl' },
        payload: Readable.from(chunks),
      });
      const body = res.json();
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(
        body.batches.map((b: { rows: number }) => b.rows),
        [200, 200, 50],
      );
      assert.equal(body.totals.created, 450);
      assert.equal(await countProducts(['st-0', 'st-449']), 2);
      const draft = await svc.runtime.ctx.database.db
        .selectFrom('products')
        .select(['title', 'status'])
        .where('handle', '=', 'st-7')
        .executeTakeFirstOrThrow();
      assert.deepEqual(draft, { title: 'Stück 7', status: 'draft' });
    });

    test('no token is 401, a token without catalog:write is 403, another media type is 415, an empty body is 400', async () => {
      const row = jsonl([{ handle: 'guarded', title: 'G', price: eur(1) }]);
      expectProblem(await send(row, { as: 'anonymous' }), 401, 'UNAUTHORIZED');
      expectProblem(await send(row, { as: { roles: ['customer'] } }), 403, 'FORBIDDEN');
      expectProblem(await send(row, { type: 'application/json' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      expectProblem(await send(''), 400, 'CATALOG_IMPORT_EMPTY');
      expectProblem(await send('\n \n'), 400, 'CATALOG_IMPORT_EMPTY');
      expectProblem(await send('handle,title\n', { type: 'text/csv' }), 400, 'CATALOG_IMPORT_EMPTY');
      const header = expectProblem(
        await send('handle,colour\n', { type: 'text/csv' }),
        400,
        'CATALOG_IMPORT_BAD_HEADER',
      );
      assert.equal(header.errors[0].path, '/colour');
      expectProblem(await send(row, { query: '?batchSize=5000' }), 400, 'VALIDATION_FAILED');
      assert.equal(await countProducts(['guarded']), 0);
    });
  });
}
