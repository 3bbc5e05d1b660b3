import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs } from '@mercato/testing';
import {
  addLine,
  addVariant,
  call,
  createCart,
  customer,
  eventsFor,
  expectProblem,
  sku,
  startCart,
  type CartHarness,
  type Reply,
} from './support.ts';

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(`carts (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let h: CartHarness;
    before(async () => {
      h = await startCart(kind);
      h.up.settings.set('tax.rates', { DE: 1900, US: 0 });
      h.up.settings.set('tax.prices_include_tax', false);
      h.up.settings.set('store.currency', 'USD');
    });
    after(async () => {
      await h?.close();
    });

    /** A SKU the catalog sells at `price` with `available` units in stock. */
    function stocked(available: number, price = 1999, over = {}): string {
      const s = sku();
      addVariant(h.up, s, { price: { amount: price, currency: 'USD' }, ...over });
      h.up.stock.set(s, { available });
      return s;
    }

    test('a guest cart: created without a token, reached by its random id, lines with a catalog snapshot', async () => {
      const s = stocked(10, 2500);
      const cart = await createCart(h.svc);
      assert.equal(cart.customerId, null);
      assert.equal(cart.currency, 'USD');
      assert.equal(cart.version, 1);
      assert.match(cart.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const added = await addLine(h.svc, cart.id, { sku: s, quantity: 2 });
      assert.equal(added.status, 200, JSON.stringify(added.body));
      assert.equal(added.headers.etag, '"2"');
      const [line] = added.body.lines;
      assert.deepEqual(
        [line.sku, line.quantity, line.title, line.options, line.unitPrice, line.weightGrams, line.image],
        [
          s,
          2,
          `Product ${s}`,
          { size: 'M' },
          { amount: 2500, currency: 'USD' },
          250,
          `https://img.example/${s}.jpg`,
        ],
      );
      assert.deepEqual(line.issues, { priceChanged: null, unavailable: false, insufficientStock: null });
      // The same SKU again adds up on its line.
      const again = await addLine(h.svc, cart.id, { sku: s, quantity: 3 });
      assert.equal(again.body.lines.length, 1);
      assert.equal(again.body.lines[0].quantity, 5);
      assert.equal(again.body.totals.subtotal, 12_500);
      const read = await call(h.svc, 'GET', `/api/v1/carts/${cart.id}`);
      assert.equal(read.status, 200);
      assert.equal(read.headers.etag, '"3"');
      assert.deepEqual(read.body.revalidation, { catalog: true, inventory: true, discount: true });
      const events = await eventsFor(h.svc, 'cart.updated', cart.id);
      assert.deepEqual(
        events.map((e) => [e.data.reason, e.data.version, e.data.lines[0].quantity]),
        [
          ['line_added', 2, 2],
          ['line_added', 3, 5],
        ],
      );
    });

    test('a customer has one active cart; another customer (or a guest) reaching it gets 404', async () => {
      const alice = customer();
      const first = await call(h.svc, 'POST', '/api/v1/carts', { body: {}, as: alice });
      assert.equal(first.status, 201);
      assert.equal(first.body.customerId, alice.subject);
      const second = await call(h.svc, 'POST', '/api/v1/carts', { body: {}, as: alice });
      assert.equal(second.status, 200);
      assert.equal(second.body.id, first.body.id);
      const mine = await call(h.svc, 'GET', '/api/v1/carts/mine', { as: alice });
      assert.equal(mine.body.id, first.body.id);
      const s = stocked(5);
      expectProblem(
        await call(h.svc, 'GET', `/api/v1/carts/${first.body.id}`, { as: customer() }),
        404,
        'CART_NOT_FOUND',
      );
      expectProblem(await call(h.svc, 'GET', `/api/v1/carts/${first.body.id}`), 404, 'CART_NOT_FOUND');
      expectProblem(
        await addLine(h.svc, first.body.id, { sku: s, quantity: 1 }, customer()),
        404,
        'CART_NOT_FOUND',
      );
      const own = await addLine(h.svc, first.body.id, { sku: s, quantity: 1 }, alice);
      assert.equal(own.status, 200);
      // The other customer's attempt changed nothing.
      assert.equal(own.body.version, 2);
    });

    test('concurrent first carts of one customer end as one cart', async () => {
      const bob = customer();
      const replies = await Promise.all(
        Array.from({ length: 5 }, () => call(h.svc, 'POST', '/api/v1/carts', { body: {}, as: bob })),
      );
      assert.deepEqual(replies.map((r) => r.status).sort(), [200, 200, 200, 200, 201]);
      assert.equal(new Set(replies.map((r) => r.body.id)).size, 1);
    });

    test('more than is available answers 409 with the available count, and nothing changes', async () => {
      const s = stocked(3);
      const cart = await createCart(h.svc);
      const res = await addLine(h.svc, cart.id, { sku: s, quantity: 4 });
      const problem = expectProblem(res, 409, 'CART_INSUFFICIENT_STOCK');
      assert.equal(problem.errors[0].available, 3);
      assert.equal(problem.errors[0].requested, 4);
      await addLine(h.svc, cart.id, { sku: s, quantity: 3 });
      const more = expectProblem(
        await addLine(h.svc, cart.id, { sku: s, quantity: 1 }),
        409,
        'CART_INSUFFICIENT_STOCK',
      );
      assert.equal(more.errors[0].available, 3);
      const read = await call(h.svc, 'GET', `/api/v1/carts/${cart.id}`);
      assert.equal(read.body.version, 2);
      assert.equal(read.body.lines[0].quantity, 3);
      // A backordered SKU may exceed what is on hand.
      const back = stocked(0);
      h.up.stock.set(back, { available: 0, backorder: true });
      assert.equal((await addLine(h.svc, cart.id, { sku: back, quantity: 7 })).status, 200);
    });

    test('bad input answers 4xx problem+json with a code and changes nothing', async () => {
      const s = stocked(50);
      const cart = await createCart(h.svc);
      await addLine(h.svc, cart.id, { sku: s, quantity: 1 });
      const url = `/api/v1/carts/${cart.id}/lines`;
      expectProblem(
        await addLine(h.svc, cart.id, { sku: sku('NOPE'), quantity: 1 }),
        422,
        'CART_SKU_NOT_FOUND',
      );
      for (const quantity of [0, -1, 10_000, 1.5]) {
        expectProblem(await addLine(h.svc, cart.id, { sku: s, quantity }), 400, 'VALIDATION_FAILED');
      }
      expectProblem(await addLine(h.svc, cart.id, { sku: s, quantity: 999 }), 422, 'CART_QUANTITY_LIMIT');
      const eur = sku('EUR');
      addVariant(h.up, eur, { price: { amount: 100, currency: 'EUR' } });
      h.up.stock.set(eur, { available: 9 });
      expectProblem(await addLine(h.svc, cart.id, { sku: eur, quantity: 1 }), 422, 'CART_CURRENCY_MISMATCH');
      const draft = sku('DRAFT');
      addVariant(h.up, draft, { sellable: false });
      h.up.stock.set(draft, { available: 9 });
      expectProblem(await addLine(h.svc, cart.id, { sku: draft, quantity: 1 }), 422, 'CART_SKU_NOT_SELLABLE');
      const malformed = await h.svc.runtime.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        payload: '{"sku": "A", "quantity": ',
      });
      assert.equal(malformed.statusCode, 400);
      assert.match(String(malformed.headers['content-type']), /^application\/problem\+json/);
      expectProblem(await call(h.svc, 'GET', '/api/v1/carts/not-a-uuid'), 400, 'VALIDATION_FAILED');
      expectProblem(await call(h.svc, 'GET', `/api/v1/carts/${crypto.randomUUID()}`), 404, 'CART_NOT_FOUND');
      expectProblem(
        await call(h.svc, 'POST', '/api/v1/carts', { body: { currency: 'usd' } }),
        400,
        'VALIDATION_FAILED',
      );
      expectProblem(
        await call(h.svc, 'PATCH', `/api/v1/carts/${cart.id}/lines/${sku('NONE')}`, {
          body: { quantity: 2 },
        }),
        404,
        'CART_LINE_NOT_FOUND',
      );
      const read = await call(h.svc, 'GET', `/api/v1/carts/${cart.id}`);
      assert.equal(read.body.version, 2);
      assert.deepEqual(
        read.body.lines.map((l: { sku: string; quantity: number }) => [l.sku, l.quantity]),
        [[s, 1]],
      );
      assert.equal((await eventsFor(h.svc, 'cart.updated', cart.id)).length, 1);
    });

    test('a cart holds at most 100 lines', async () => {
      const cart = await createCart(h.svc);
      for (let i = 0; i < 100; i++) {
        const res = await addLine(h.svc, cart.id, { sku: stocked(5), quantity: 1 });
        assert.equal(res.status, 200, JSON.stringify(res.body));
      }
      expectProblem(await addLine(h.svc, cart.id, { sku: stocked(5), quantity: 1 }), 422, 'CART_LINE_LIMIT');
      const read = await call(h.svc, 'GET', `/api/v1/carts/${cart.id}`);
      assert.equal(read.body.lines.length, 100);
      assert.equal(read.body.version, 101);
    });

    test('ETag on reads, If-Match on writes: a stale version answers 412 and changes nothing', async () => {
      const s = stocked(20);
      const cart = await createCart(h.svc);
      const v2 = await addLine(h.svc, cart.id, { sku: s, quantity: 1 }, 'anonymous', { 'if-match': '"1"' });
      assert.equal(v2.status, 200);
      assert.equal(v2.headers.etag, '"2"');
      expectProblem(
        await addLine(h.svc, cart.id, { sku: s, quantity: 1 }, 'anonymous', { 'if-match': '"1"' }),
        412,
        'PRECONDITION_FAILED',
      );
      expectProblem(
        await call(h.svc, 'PATCH', `/api/v1/carts/${cart.id}/lines/${s}`, {
          body: { quantity: 5 },
          headers: { 'if-match': '"1"' },
        }),
        412,
        'PRECONDITION_FAILED',
      );
      expectProblem(
        await call(h.svc, 'DELETE', `/api/v1/carts/${cart.id}/lines/${s}`, {
          headers: { 'if-match': '"7"' },
        }),
        412,
        'PRECONDITION_FAILED',
      );
      const changed = await call(h.svc, 'PATCH', `/api/v1/carts/${cart.id}/lines/${s}`, {
        body: { quantity: 5 },
        headers: { 'if-match': '"2"' },
      });
      assert.equal(changed.status, 200);
      assert.equal(changed.body.lines[0].quantity, 5);
      const removed = await call(h.svc, 'DELETE', `/api/v1/carts/${cart.id}/lines/${s}`, {
        headers: { 'if-match': '"3"' },
      });
      assert.equal(removed.status, 200);
      assert.deepEqual(removed.body.lines, []);
      assert.equal(removed.headers.etag, '"4"');
    });

    test('concurrent adds to one cart: every acknowledged unit is in the cart', async () => {
      const s = stocked(1000);
      const cart = await createCart(h.svc);
      const replies = await Promise.all(
        Array.from({ length: 20 }, () => addLine(h.svc, cart.id, { sku: s, quantity: 2 })),
      );
      const ok = replies.filter((r) => r.status === 200).length;
      assert.equal(ok, 20);
      const read = await call(h.svc, 'GET', `/api/v1/carts/${cart.id}`);
      assert.equal(read.body.lines[0].quantity, 40);
      assert.equal(read.body.version, 21);
    });

    test('reads revalidate: priceChanged old/new, unavailable, insufficientStock — the cart itself unchanged', async () => {
      const cheap = stocked(10, 1000);
      const gone = stocked(10, 500);
      const short = stocked(10, 700);
      const cart = await createCart(h.svc);
      for (const s of [cheap, gone, short]) await addLine(h.svc, cart.id, { sku: s, quantity: 4 });
      addVariant(h.up, cheap, { ...h.up.variants.get(cheap), price: { amount: 1200, currency: 'USD' } });
      h.up.variants.delete(gone);
      h.up.stock.set(short, { available: 2 });
      const read = await call(h.svc, 'GET', `/api/v1/carts/${cart.id}`);
      const bySku = Object.fromEntries(read.body.lines.map((l: { sku: string }) => [l.sku, l]));
      assert.deepEqual(bySku[cheap].issues, {
        priceChanged: { old: { amount: 1000, currency: 'USD' }, new: { amount: 1200, currency: 'USD' } },
        unavailable: false,
        insufficientStock: null,
      });
      assert.deepEqual(bySku[gone].issues, {
        priceChanged: null,
        unavailable: true,
        insufficientStock: null,
      });
      assert.deepEqual(bySku[short].issues, {
        priceChanged: null,
        unavailable: false,
        insufficientStock: { available: 2 },
      });
      // Totals stay on the prices the lines were added at.
      assert.equal(read.body.totals.subtotal, 4 * 1000 + 4 * 500 + 4 * 700);
      assert.equal(read.body.version, 4);
    });

    test('an add asks catalog and inventory once each, about every line, and its answer is revalidated with those replies', async () => {
      const first = stocked(10, 1000);
      const second = stocked(10, 800);
      const cart = await createCart(h.svc);
      assert.equal((await addLine(h.svc, cart.id, { sku: first, quantity: 2 })).status, 200);
      addVariant(h.up, first, { ...h.up.variants.get(first), price: { amount: 1100, currency: 'USD' } });
      h.up.stock.set(first, { available: 1 });
      const before = { ...h.up.calls };
      const added = await addLine(h.svc, cart.id, { sku: second, quantity: 1 });
      assert.equal(added.status, 200, JSON.stringify(added.body));
      assert.deepEqual(
        [
          h.up.calls.lookupVariants - before.lookupVariants,
          h.up.calls.availability - before.availability,
          h.up.calls.evaluate - before.evaluate,
        ],
        [1, 1, 1],
      );
      assert.deepEqual(added.body.lines[0].issues, {
        priceChanged: { old: { amount: 1000, currency: 'USD' }, new: { amount: 1100, currency: 'USD' } },
        unavailable: false,
        insufficientStock: { available: 1 },
      });
      assert.equal(added.body.lines[1].issues.priceChanged, null);
      assert.deepEqual(added.body.revalidation, { catalog: true, inventory: true, discount: true });
    });

    test('a read while catalog and inventory are down answers the stored cart, flagged as not revalidated', async () => {
      const s = stocked(10, 1000);
      const cart = await createCart(h.svc);
      await addLine(h.svc, cart.id, { sku: s, quantity: 1 });
      h.up.down.add('catalog').add('inventory');
      try {
        const read = await call(h.svc, 'GET', `/api/v1/carts/${cart.id}`);
        assert.equal(read.status, 200);
        assert.deepEqual(read.body.revalidation, { catalog: false, inventory: false, discount: true });
        assert.equal(read.body.lines[0].issues.unavailable, false);
        expectProblem(await addLine(h.svc, cart.id, { sku: s, quantity: 1 }), 503, 'DEPENDENCY_UNAVAILABLE');
      } finally {
        h.up.down.clear();
      }
    });

    test('totals: tax by country from settings, exclusive or inclusive, lines summing exactly', async () => {
      const a = stocked(10, 333);
      const cart = await createCart(h.svc, 'anonymous', { country: 'DE' });
      await addLine(h.svc, cart.id, { sku: a, quantity: 1 });
      const b = stocked(10, 333);
      const c = stocked(10, 333);
      await addLine(h.svc, cart.id, { sku: b, quantity: 1 });
      const res = await addLine(h.svc, cart.id, { sku: c, quantity: 1 });
      const t = res.body.totals;
      assert.deepEqual(
        [
          t.currency,
          t.subtotal,
          t.discount,
          t.shipping,
          t.tax,
          t.total,
          t.taxIncluded,
          t.taxRate,
          t.taxCountry,
        ],
        ['USD', 999, 0, 0, 190, 1189, false, 1900, 'DE'],
      );
      const lines = res.body.lines as Array<{ amounts: { tax: number; total: number } }>;
      assert.deepEqual(
        lines.map((l) => l.amounts.tax),
        [64, 63, 63],
      );
      assert.equal(
        lines.reduce((s, l) => s + l.amounts.total, 0),
        t.total,
      );
      h.up.settings.set('tax.prices_include_tax', true);
      try {
        const incl = await call(h.svc, 'GET', `/api/v1/carts/${cart.id}`);
        // 999 × 1900 / 11 900 = 159.50 → 160 (half up)
        assert.deepEqual(
          [incl.body.totals.tax, incl.body.totals.total, incl.body.totals.taxIncluded],
          [160, 999, true],
        );
      } finally {
        h.up.settings.set('tax.prices_include_tax', false);
      }
      const us = await call(h.svc, 'PATCH', `/api/v1/carts/${cart.id}`, { body: { country: 'US' } });
      assert.deepEqual([us.body.totals.tax, us.body.totals.taxCountry], [0, 'US']);
    });

    test('discounts: codes evaluated by the discount service, allocated per line, tax on the discounted base', async () => {
      h.up.codes.set('WELCOME10', { percent: 10 });
      h.up.codes.set('OLD', { refused: 'DISCOUNT_EXPIRED' });
      const a = stocked(10, 1000);
      const b = stocked(10, 333);
      const cart = await createCart(h.svc, 'anonymous', { country: 'DE' });
      const codes = `/api/v1/carts/${cart.id}/discount-codes`;
      expectProblem(await call(h.svc, 'POST', codes, { body: { code: 'WELCOME10' } }), 422, 'CART_EMPTY');
      await addLine(h.svc, cart.id, { sku: a, quantity: 2 });
      await addLine(h.svc, cart.id, { sku: b, quantity: 1 });
      const applied = await call(h.svc, 'POST', codes, { body: { code: ' welcome10 ' } });
      assert.equal(applied.status, 200, JSON.stringify(applied.body));
      assert.deepEqual(applied.body.codes, ['WELCOME10']);
      const t = applied.body.totals;
      // 10 % of 2000 and of 333 (floor): 200 + 33; tax 19 % of 2100 = 399
      assert.deepEqual([t.subtotal, t.discount, t.tax, t.total], [2333, 233, 399, 2499]);
      assert.deepEqual(
        applied.body.lines.map((l: { amounts: { discount: number } }) => l.amounts.discount),
        [200, 33],
      );
      assert.deepEqual(
        applied.body.discounts.applied.map((d: { code: string; amount: number }) => [d.code, d.amount]),
        [['WELCOME10', 233]],
      );
      assert.equal(applied.body.revalidation.discount, true);
      const refused = expectProblem(
        await call(h.svc, 'POST', codes, { body: { code: 'old' } }),
        422,
        'CART_DISCOUNT_CODE_REFUSED',
      );
      assert.equal(refused.errors[0].reason, 'DISCOUNT_EXPIRED');
      expectProblem(
        await call(h.svc, 'POST', codes, { body: { code: 'NOPE' } }),
        422,
        'CART_DISCOUNT_CODE_REFUSED',
      );
      expectProblem(
        await call(h.svc, 'POST', codes, { body: { code: 'no spaces inside' } }),
        400,
        'VALIDATION_FAILED',
      );
      assert.equal((await call(h.svc, 'GET', `/api/v1/carts/${cart.id}`)).body.version, applied.body.version);
      // A code that stops applying is reported on the next read, and takes nothing off.
      h.up.codes.set('WELCOME10', { refused: 'DISCOUNT_LIMIT_REACHED' });
      const later = await call(h.svc, 'GET', `/api/v1/carts/${cart.id}`);
      assert.deepEqual(
        later.body.discounts.refused.map((r: { reason: string }) => r.reason),
        ['DISCOUNT_LIMIT_REACHED'],
      );
      assert.equal(later.body.totals.discount, 0);
      h.up.codes.set('WELCOME10', { percent: 10 });
      // Discount down: the cart answers without discount, and says so.
      h.up.down.add('discount');
      try {
        const down = await call(h.svc, 'GET', `/api/v1/carts/${cart.id}`);
        assert.deepEqual(
          [down.status, down.body.totals.discount, down.body.revalidation.discount],
          [200, 0, false],
        );
      } finally {
        h.up.down.clear();
      }
      const removed = await call(h.svc, 'DELETE', `${codes}/welcome10`);
      assert.equal(removed.status, 200);
      assert.deepEqual([removed.body.codes, removed.body.totals.discount], [[], 0]);
      expectProblem(await call(h.svc, 'DELETE', `${codes}/WELCOME10`), 404, 'CART_CODE_NOT_FOUND');
    });

    test('settings down: reads use the tax settings last read', async () => {
      const s = stocked(10, 1000);
      const cart = await createCart(h.svc, 'anonymous', { country: 'DE' });
      await addLine(h.svc, cart.id, { sku: s, quantity: 1 });
      h.up.down.add('settings');
      try {
        const read = await call(h.svc, 'GET', `/api/v1/carts/${cart.id}`);
        assert.equal(read.status, 200);
        assert.deepEqual([read.body.totals.taxRate, read.body.totals.tax], [1900, 190]);
      } finally {
        h.up.down.clear();
      }
    });

    test('merge on sign-in: quantities summed and capped at what is available, the guest cart closed', async () => {
      const both = stocked(5, 1000);
      const onlyGuest = stocked(10, 500);
      const none = stocked(3, 100);
      const carol = customer();
      const own = await createCart(h.svc, carol);
      await addLine(h.svc, own.id, { sku: both, quantity: 3 }, carol);
      const guest = await createCart(h.svc);
      await addLine(h.svc, guest.id, { sku: both, quantity: 4 });
      await addLine(h.svc, guest.id, { sku: onlyGuest, quantity: 2 });
      await addLine(h.svc, guest.id, { sku: none, quantity: 1 });
      h.up.stock.set(none, { available: 0 });
      const merged = await call(h.svc, 'POST', '/api/v1/carts/mine/merge', {
        body: { guestCartId: guest.id },
        as: carol,
      });
      assert.equal(merged.status, 200, JSON.stringify(merged.body));
      assert.equal(merged.body.id, own.id);
      assert.deepEqual(
        merged.body.lines.map((l: { sku: string; quantity: number }) => [l.sku, l.quantity]),
        [
          [both, 5],
          [onlyGuest, 2],
        ],
      );
      const closed = await call(h.svc, 'GET', `/api/v1/carts/${guest.id}`);
      assert.equal(closed.body.status, 'merged');
      expectProblem(await addLine(h.svc, guest.id, { sku: onlyGuest, quantity: 1 }), 409, 'CART_CLOSED');
      expectProblem(
        await call(h.svc, 'POST', '/api/v1/carts/mine/merge', { body: { guestCartId: guest.id }, as: carol }),
        409,
        'CART_CLOSED',
      );
      assert.deepEqual(
        (await eventsFor(h.svc, 'cart.updated', guest.id)).map((e) => e.data.reason).at(-1),
        'merged_away',
      );
      // Merging needs a signed-in customer, and another's customer cart is not a guest cart.
      expectProblem(
        await call(h.svc, 'POST', '/api/v1/carts/mine/merge', { body: { guestCartId: guest.id } }),
        401,
        'UNAUTHORIZED',
      );
      expectProblem(
        await call(h.svc, 'POST', '/api/v1/carts/mine/merge', {
          body: { guestCartId: own.id },
          as: customer(),
        }),
        404,
        'CART_NOT_FOUND',
      );
    });

    test("a customer signing in without a cart gets the guest cart's lines in a new one", async () => {
      const s = stocked(5, 1000);
      const dave = customer();
      const guest = await createCart(h.svc, 'anonymous', { country: 'DE' });
      await addLine(h.svc, guest.id, { sku: s, quantity: 2 });
      const merged = await call(h.svc, 'POST', '/api/v1/carts/mine/merge', {
        body: { guestCartId: guest.id },
        as: dave,
      });
      assert.equal(merged.status, 200);
      assert.equal(merged.body.customerId, dave.subject);
      assert.equal(merged.body.country, 'DE');
      assert.deepEqual(
        merged.body.lines.map((l: { quantity: number }) => l.quantity),
        [2],
      );
    });

    test('two customers merging one guest cart at once: one gets its lines, the other 409, nothing doubled', async () => {
      const s = stocked(50, 1000);
      const guest = await createCart(h.svc);
      await addLine(h.svc, guest.id, { sku: s, quantity: 3 });
      const [erin, frank] = [customer(), customer()];
      const replies = await Promise.all(
        [erin, frank].map((as) =>
          call(h.svc, 'POST', '/api/v1/carts/mine/merge', { body: { guestCartId: guest.id }, as }),
        ),
      );
      assert.deepEqual(replies.map((r) => r.status).sort(), [200, 409]);
      const winner = replies.find((r) => r.status === 200);
      assert.deepEqual(
        winner?.body.lines.map((l: { quantity: number }) => l.quantity),
        [3],
      );
      expectProblem(replies.find((r) => r.status === 409) as Reply, 409, 'CART_CLOSED');
      const merges = (await eventsFor(h.svc, 'cart.updated', guest.id)).filter(
        (e) => e.data.reason === 'merged_away',
      );
      assert.equal(merges.length, 1);
    });

    test('a principal with carts:write (the checkout service, an admin) reaches a customer cart', async () => {
      const s = stocked(5, 1000);
      const gina = customer();
      const cart = await createCart(h.svc, gina);
      await addLine(h.svc, cart.id, { sku: s, quantity: 1 }, gina);
      const service = {
        subject: 'checkout',
        kind: 'service' as const,
        roles: [],
        permissions: ['carts:write'],
      };
      const read = await call(h.svc, 'GET', `/api/v1/carts/${cart.id}`, { as: service });
      assert.equal(read.status, 200);
      const done = await call(h.svc, 'POST', `/api/v1/carts/${cart.id}/checkout`, {
        body: { checkoutId: 'co-svc' },
        as: service,
        headers: { 'if-match': read.headers.etag as string },
      });
      assert.equal(done.status, 200);
      assert.equal(done.body.status, 'checked_out');
      // A support agent without carts:write is just another caller.
      expectProblem(
        await call(h.svc, 'GET', `/api/v1/carts/${cart.id}`, { as: { roles: ['support'] } }),
        404,
        'CART_NOT_FOUND',
      );
      // Her next cart is a new one: the checked-out cart is no longer her active cart.
      const next = await call(h.svc, 'POST', '/api/v1/carts', { body: {}, as: gina });
      assert.equal(next.status, 201);
      assert.notEqual(next.body.id, cart.id);
    });

    test('checkout closes the cart once and publishes cart.checked_out; a repeat answers the same', async () => {
      const s = stocked(5, 1000);
      const cart = await createCart(h.svc);
      expectProblem(
        await call(h.svc, 'POST', `/api/v1/carts/${cart.id}/checkout`, { body: {} }),
        422,
        'CART_EMPTY',
      );
      await addLine(h.svc, cart.id, { sku: s, quantity: 2 });
      const done = await call(h.svc, 'POST', `/api/v1/carts/${cart.id}/checkout`, {
        body: { checkoutId: 'co-1' },
      });
      assert.equal(done.status, 200);
      assert.equal(done.body.status, 'checked_out');
      const again = await call(h.svc, 'POST', `/api/v1/carts/${cart.id}/checkout`, {
        body: { checkoutId: 'co-1' },
      });
      assert.equal(again.status, 200);
      expectProblem(
        await call(h.svc, 'POST', `/api/v1/carts/${cart.id}/checkout`, { body: { checkoutId: 'co-2' } }),
        409,
        'CART_CLOSED',
      );
      const events = await eventsFor(h.svc, 'cart.checked_out', cart.id);
      assert.equal(events.length, 1);
      assert.deepEqual(
        [events[0]?.data.checkoutId, events[0]?.data.subtotal],
        ['co-1', { amount: 2000, currency: 'USD' }],
      );
    });
  });
}
