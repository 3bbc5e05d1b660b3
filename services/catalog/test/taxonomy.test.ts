import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, startTestService, type TestService } from '@mercato/testing';
import type { CatalogDB } from '../src/db.ts';
import { catalogService } from '../src/service.ts';
import { call, expectProblem, productBody, type Body } from './support.ts';

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(`catalog brands and categories (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let svc: TestService<CatalogDB>;
    before(async () => {
      svc = await startTestService(catalogService, kind);
    });
    after(async () => {
      await svc?.close();
    });

    const post = async (url: string, body: Record<string, unknown>): Promise<Body> => {
      const res = await call(svc, 'POST', url, { body });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body;
    };
    const category = (handle: string, parentId?: string) =>
      post('/api/v1/categories', { handle, name: handle, ...(parentId ? { parentId } : {}) });

    test('brands: create, read, rename, list, delete; a taken handle is 409', async () => {
      const brand = await post('/api/v1/brands', { handle: 'nord', name: 'Nord' });
      assert.equal((await call(svc, 'GET', `/api/v1/brands/${brand.id}`)).body.name, 'Nord');
      const renamed = await call(svc, 'PATCH', `/api/v1/brands/${brand.id}`, { body: { name: 'Nordic' } });
      assert.equal(renamed.status, 200);
      assert.equal(renamed.body.name, 'Nordic');
      await post('/api/v1/brands', { handle: 'sud', name: 'Sud' });
      expectProblem(
        await call(svc, 'POST', '/api/v1/brands', { body: { handle: 'sud', name: 'X' } }),
        409,
        'CATALOG_HANDLE_TAKEN',
      );
      const taken = await call(svc, 'PATCH', `/api/v1/brands/${brand.id}`, { body: { handle: 'sud' } });
      expectProblem(taken, 409, 'CATALOG_HANDLE_TAKEN');
      const listed = await call(svc, 'GET', '/api/v1/brands');
      assert.deepEqual(
        listed.body.items.map((b: { handle: string }) => b.handle),
        ['nord', 'sud'],
      );
      assert.equal((await call(svc, 'DELETE', `/api/v1/brands/${brand.id}`)).status, 204);
      expectProblem(await call(svc, 'GET', `/api/v1/brands/${brand.id}`), 404, 'CATALOG_BRAND_NOT_FOUND');
    });

    test('a category path holds the ids from the root down', async () => {
      const root = await category('home');
      const child = await category('garden', root.id);
      assert.equal(root.path, `/${root.id}/`);
      assert.equal(child.path, `/${root.id}/${child.id}/`);
      assert.equal(child.parentId, root.id);
      expectProblem(
        await call(svc, 'POST', '/api/v1/categories', {
          body: { handle: 'orphan', name: 'O', parentId: crypto.randomUUID() },
        }),
        404,
        'CATALOG_CATEGORY_NOT_FOUND',
      );
    });

    test('moving a category rewrites the path of its whole subtree and the store filter follows', async () => {
      const a = await category('tree-a');
      const b = await category('tree-b');
      const mid = await category('tree-mid', a.id);
      const leaf = await category('tree-leaf', mid.id);
      const product = await post('/api/v1/products', productBody('leafy', { categoryIds: [leaf.id] }));
      const moved = await call(svc, 'PATCH', `/api/v1/categories/${mid.id}`, {
        body: { parentId: b.id, position: 3 },
      });
      assert.equal(moved.status, 200, JSON.stringify(moved.body));
      assert.equal(moved.body.path, `/${b.id}/${mid.id}/`);
      assert.equal(moved.body.position, 3);
      const leafNow = await call(svc, 'GET', `/api/v1/categories/${leaf.id}`);
      assert.equal(leafNow.body.path, `/${b.id}/${mid.id}/${leaf.id}/`);
      const inB = await call(svc, 'GET', '/api/v1/products?category=tree-b');
      assert.deepEqual(
        inB.body.items.map((p: { id: string }) => p.id),
        [product.id],
      );
      assert.equal((await call(svc, 'GET', '/api/v1/products?category=tree-a')).body.totalCount, 0);
      const toRoot = await call(svc, 'PATCH', `/api/v1/categories/${mid.id}`, { body: { parentId: null } });
      assert.equal(toRoot.body.path, `/${mid.id}/`);
      assert.equal(
        (await call(svc, 'GET', `/api/v1/categories/${leaf.id}`)).body.path,
        `/${mid.id}/${leaf.id}/`,
      );
    });

    test('moving a category under its own subtree is 409 CATALOG_CATEGORY_CYCLE', async () => {
      const top = await category('cyc-top');
      const below = await category('cyc-below', top.id);
      const res = await call(svc, 'PATCH', `/api/v1/categories/${top.id}`, { body: { parentId: below.id } });
      expectProblem(res, 409, 'CATALOG_CATEGORY_CYCLE');
      const self = await call(svc, 'PATCH', `/api/v1/categories/${top.id}`, { body: { parentId: top.id } });
      expectProblem(self, 409, 'CATALOG_CATEGORY_CYCLE');
      assert.equal((await call(svc, 'GET', `/api/v1/categories/${top.id}`)).body.path, `/${top.id}/`);
    });

    test('a category with subcategories cannot be deleted; a leaf can', async () => {
      const parent = await category('del-parent');
      const leaf = await category('del-leaf', parent.id);
      expectProblem(
        await call(svc, 'DELETE', `/api/v1/categories/${parent.id}`),
        409,
        'CATALOG_CATEGORY_HAS_CHILDREN',
      );
      assert.equal((await call(svc, 'DELETE', `/api/v1/categories/${leaf.id}`)).status, 204);
      assert.equal((await call(svc, 'DELETE', `/api/v1/categories/${parent.id}`)).status, 204);
      expectProblem(
        await call(svc, 'GET', `/api/v1/categories/${parent.id}`),
        404,
        'CATALOG_CATEGORY_NOT_FOUND',
      );
    });

    test('renaming a brand or category makes its products findable by the new name', async () => {
      const brand = await post('/api/v1/brands', { handle: 'oldname', name: 'Oldname' });
      const cat = await category('oldcat');
      await post(
        '/api/v1/products',
        productBody('renamed-thing', { brandId: brand.id, categoryIds: [cat.id] }),
      );
      const found = async (q: string) =>
        (await call(svc, 'GET', `/api/v1/products?search=${q}`)).body.totalCount;
      assert.equal(await found('oldname'), 1);
      await call(svc, 'PATCH', `/api/v1/brands/${brand.id}`, { body: { name: 'Brandnew' } });
      await call(svc, 'PATCH', `/api/v1/categories/${cat.id}`, { body: { name: 'Freshcat' } });
      assert.equal(await found('oldname'), 0);
      assert.equal(await found('brandnew'), 1);
      assert.equal(await found('freshcat'), 1);
    });

    test('taxonomy writes need catalog:write', async () => {
      const res = await call(svc, 'POST', '/api/v1/brands', {
        body: { handle: 'x', name: 'X' },
        as: { roles: ['customer'] },
      });
      assert.equal(res.status, 403);
    });
  });
}
