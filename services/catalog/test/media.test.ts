import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, startTestService, testAuth, type TestService } from '@mercato/testing';
import type { CatalogDB } from '../src/db.ts';
import { catalogService } from '../src/service.ts';
import { ADMIN, call, productBody } from './support.ts';

after(closeTestPglite);

const svg = `<svg xmlns='http://www.w3.org/2000/svg' width='400' height='400' viewBox='0 0 400 400'><rect width='400' height='400' fill='#355070'/></svg>`;
const dataUrl = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;

for (const kind of ['pglite', 'pg'] as const) {
  describe(`catalog media (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let svc: TestService<CatalogDB>;
    const upload = async (body: Buffer | string, type: string, as: 'admin' | 'anonymous' = 'admin') =>
      svc.runtime.app.inject({
        method: 'POST',
        url: '/api/v1/media',
        headers: { 'content-type': type, ...(as === 'admin' ? await (await testAuth()).headers(ADMIN) : {}) },
        payload: body,
      });
    const get = (url: string, headers: Record<string, string> = {}) =>
      svc.runtime.app.inject({ method: 'GET', url, headers });

    before(async () => {
      svc = await startTestService(catalogService, kind);
    });
    after(async () => {
      await svc?.close();
    });

    test('embedded images are stored once and served by URL with long-lived cache headers', async () => {
      const a = await call(svc, 'POST', '/api/v1/products', {
        body: productBody('a', { images: [{ url: dataUrl, alt: 'A' }] }),
      });
      const b = await call(svc, 'POST', '/api/v1/products', {
        body: productBody('b', {
          images: [
            { url: dataUrl, alt: 'B' },
            { url: 'https://cdn.example/b.png', alt: '' },
          ],
        }),
      });
      assert.equal(a.status, 201);
      const url = a.body.images[0].url as string;
      assert.match(url, /^\/api\/v1\/media\/[0-9a-f-]{36}$/);
      assert.deepEqual(b.body.images, [
        { url, alt: 'B' },
        { url: 'https://cdn.example/b.png', alt: '' },
      ]);
      const count = await svc.runtime.ctx.database.db
        .selectFrom('media')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(Number(count.n), 1, 'the same image is stored once');
      const res = await get(url);
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'image/svg+xml');
      assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.equal(res.body, svg);
      assert.equal((await get(url, { 'if-none-match': String(res.headers.etag) })).statusCode, 304);
      const small = await get(`${url}?w=128`);
      assert.match(small.body, /^<svg width='128' height='128' /);
      assert.notEqual(small.headers.etag, res.headers.etag);
      assert.equal((await get(`${url}?w=100`)).statusCode, 400);
      assert.equal((await get('/api/v1/media/01a24480-0000-7000-8000-000000000000')).statusCode, 404);
    });

    test('uploads are checked: the bytes must be the declared image type, SVGs without scripts; admins only', async () => {
      const ok = await upload(svg, 'image/svg+xml');
      assert.equal(ok.statusCode, 201, ok.body);
      assert.match(ok.json().url, /^\/api\/v1\/media\//);
      const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
      assert.equal((await upload(png, 'image/png')).statusCode, 201);
      for (const [body, type] of [
        [png, 'image/jpeg'],
        ['<svg><script>alert(1)</script></svg>', 'image/svg+xml'],
        ['plain text', 'image/png'],
      ] as const) {
        const res = await upload(body, type);
        assert.equal(res.statusCode, 415, res.body);
        assert.equal(res.json().code, 'CATALOG_MEDIA_UNSUPPORTED');
      }
      assert.equal((await upload(svg, 'image/svg+xml', 'anonymous')).statusCode, 401);
      const bad = await call(svc, 'POST', '/api/v1/products', {
        body: productBody('c', { images: [{ url: 'data:text/html,<b>x</b>', alt: '' }] }),
      });
      assert.equal(bad.status, 415);
      assert.equal((await call(svc, 'GET', '/api/v1/products/c')).status, 404, 'nothing was written');
    });
  });
}
