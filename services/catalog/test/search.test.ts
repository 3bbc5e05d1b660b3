import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, startTestService, type TestService } from '@mercato/testing';
import type { CatalogDB } from '../src/db.ts';
import { demoCatalog } from '../src/seed/demo-catalog.ts';
import { catalogService } from '../src/service.ts';
import { ADMIN, call, expectProblem, productBody, type Body } from './support.ts';

after(closeTestPglite);

const active = demoCatalog().products.filter((p) => p.status === 'active');

/** A one-letter typo in the title's longest word (5+ letters): a letter dropped, changed or added. */
function typo(title: string, i: number): string {
  const words = title.split(' ');
  const at = words.reduce((best, w, j) => (w.length > words[best]!.length ? j : best), 0);
  const w = words[at]!;
  const mid = Math.floor(w.length / 2);
  words[at] =
    i % 3 === 0
      ? w.slice(0, mid) + w.slice(mid + 1)
      : i % 3 === 1
        ? w.slice(0, mid) + (w[mid] === 'q' ? 'z' : 'q') + w.slice(mid + 1)
        : w.slice(0, mid) + 'e' + w.slice(mid);
  return words.join(' ');
}

for (const kind of ['pglite', 'pg'] as const) {
  describe(
    `catalog search on the demo catalog (${kind})`,
    kind === 'pg' ? await needs('postgres') : {},
    () => {
      let svc: TestService<CatalogDB>;
      const get = async (url: string): Promise<Body> => {
        const res = await call(svc, 'GET', url);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        return res.body;
      };
      const search = (text: string, extra = '') =>
        get(`/api/v1/products?search=${encodeURIComponent(text)}&pageSize=20${extra}`);
      const handles = (body: Body): string[] => body.items.map((p: { handle: string }) => p.handle);

      before(async () => {
        svc = await startTestService(catalogService, kind);
        await svc.runtime.seed();
      });
      after(async () => {
        await svc?.close();
      });

      test('a one-letter typo in 12 product titles still finds the product in the top 3 (at least 11 of 12)', async (t) => {
        const picked = Array.from({ length: 12 }, (_, i) => active[Math.floor((i * active.length) / 12)]!);
        const misses: string[] = [];
        for (const [i, p] of picked.entries()) {
          const typed = typo(p.title, i);
          assert.notEqual(typed, p.title);
          const top = handles(await search(typed)).slice(0, 3);
          if (!top.includes(p.handle)) misses.push(`${typed} (${p.title})`);
        }
        t.diagnostic(`missed: ${misses.length ? misses.join('; ') : 'none'}`);
        assert.ok(misses.length <= 1, `missed ${misses.length}: ${misses.join('; ')}`);
      });

      test("the issue's searches: 'Farmouse Reed' finds the reed diffusers, autocomplete 'farmhose' suggests them highlighted", async () => {
        const expected = active.filter((p) => p.title.startsWith('Farmhouse Reed')).map((p) => p.handle);
        assert.ok(expected.length > 0);
        const found = await search('Farmouse Reed');
        assert.deepEqual(handles(found).slice(0, expected.length).sort(), [...expected].sort());
        const suggestions = await get('/api/v1/search/autocomplete?q=farmhose&limit=20');
        assert.ok(suggestions.products.length > 0);
        for (const s of suggestions.products) {
          assert.match(s.title, /Farmhouse/);
          assert.match(s.highlighted, /<mark>Farmhouse<\/mark>/);
        }
      });

      test('the last word matches as a prefix, typos too; words under 5 letters are not corrected', async () => {
        const prefix = await search('farmhouse reed diff');
        const full = await search('farmhouse reed diffuser');
        assert.ok(full.totalCount > 0);
        assert.deepEqual(handles(prefix), handles(full));
        assert.deepEqual(handles(await search('farmhouse reed difus')), handles(full));
        const mugs = await search('mug');
        assert.ok(mugs.totalCount > 0);
        assert.equal((await search('mgu zzz')).totalCount, 0);
      });

      test('accented and unaccented forms, any case, find the same products; an exact title ranks first', async () => {
        const plain = await search('farmhouse reed');
        assert.ok(plain.totalCount > 0);
        assert.deepEqual(handles(await search('FÁRMHOUSE Rééd')), handles(plain));
        const res = await call(svc, 'POST', '/api/v1/products', {
          body: productBody('creme-brulee-torch', {
            title: 'Crème Brûlée Torch',
            description: 'Caramelises sugar',
          }),
        });
        assert.equal(res.status, 201);
        const accented = await search('Crème Brûlée');
        const unaccented = await search('creme brulee');
        assert.deepEqual(handles(accented), ['creme-brulee-torch']);
        assert.deepEqual(handles(unaccented), ['creme-brulee-torch']);
        const typed = active[40]!;
        assert.equal(handles(await search(typed.title))[0], typed.handle);
      });

      test('a search that finds nothing answers "did you mean" with a search that finds something', async () => {
        const none = await search('mgu');
        assert.equal(none.totalCount, 0);
        assert.equal(none.didYouMean, 'mug');
        assert.ok((await search(none.didYouMean)).totalCount > 0);
        assert.equal((await search('mug')).didYouMean, null);
        assert.equal((await search('qqqqqq')).didYouMean, null);
      });

      test('synonym groups an admin manages widen search; only catalog:write may manage them', async () => {
        assert.equal((await search('beaker')).totalCount, 0);
        const denied = await call(svc, 'POST', '/api/v1/search/synonyms', {
          body: { terms: ['beaker', 'mug'] },
          as: 'anonymous',
        });
        expectProblem(denied, 401, 'UNAUTHORIZED');
        const created = await call(svc, 'POST', '/api/v1/search/synonyms', {
          body: { terms: ['Beaker', 'mug'] },
        });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        const mugs = await search('mug');
        const beakers = await search('beakers');
        assert.equal((await search('beaker')).totalCount, mugs.totalCount);
        assert.equal(beakers.totalCount, mugs.totalCount, 'the synonym is typo-tolerant too');
        const listed = await call(svc, 'GET', '/api/v1/search/synonyms', { as: ADMIN });
        assert.equal(listed.status, 200, JSON.stringify(listed.body));
        assert.equal(listed.body.totalCount, 1);
        assert.deepEqual(listed.body.items[0].terms, ['Beaker', 'mug']);
        const bad = await call(svc, 'POST', '/api/v1/search/synonyms', { body: { terms: ['alone'] } });
        expectProblem(bad, 400, 'VALIDATION_FAILED');
        const gone = await call(svc, 'DELETE', `/api/v1/search/synonyms/${created.body.id}`);
        assert.equal(gone.status, 204);
        assert.equal((await search('beaker')).totalCount, 0);
      });

      test('autocomplete suggests categories and brands too, accents and typos forgiven, highlighted', async () => {
        const body = await get('/api/v1/search/autocomplete?q=kitchn');
        assert.deepEqual(
          body.categories.map((c: { name: string }) => c.name),
          ['Home & Kitchen', 'Kitchen Knives'],
        );
        assert.equal(body.categories[0].highlighted, 'Home &#38; <mark>Kitchen</mark>');
        const brands = await get('/api/v1/search/autocomplete?q=hearthwel');
        assert.deepEqual(
          brands.brands.map((b: { name: string }) => b.name),
          ['Hearthwell'],
        );
      });
    },
  );
}
