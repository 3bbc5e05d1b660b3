import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { newId } from '@mercato/platform/ids';
import { closeTestPglite, needs, waitFor } from '@mercato/testing';
import {
  ADMIN,
  WEBHOOK_SECRET,
  call,
  eventsFor,
  expectProblem,
  startShipping,
  zoneWithMethod,
  type Harness,
} from './support.ts';

after(closeTestPglite);

const address = {
  name: 'Ada Lovelace',
  line1: '1 Main St',
  city: 'Springfield',
  region: 'IL',
  postalCode: '62701',
  country: 'US',
};
const order = (orderId = newId(), warehouses = ['east', 'west']) => ({
  orderId,
  reference: `checkout-${orderId.slice(-6)}`,
  methodCode: 'standard',
  address,
  parcels: warehouses.map((w, i) => ({
    warehouseCode: w,
    lines: [{ sku: `SKU-${i}`, quantity: i + 1, weightGrams: 400 }],
  })),
});

for (const kind of ['pglite', 'pg'] as const) {
  describe(`shipments and carrier tracking (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let h: Harness;
    before(async () => {
      h = await startShipping(kind);
      await zoneWithMethod(h.svc, 'home', ['US']);
    });
    after(async () => {
      await h?.close();
    });

    const advance = (tracking: string, status?: string) =>
      fetch(`${h.sim.url}/v1/test_helpers/shipments/${tracking}/advance`, {
        method: 'POST',
        headers: { authorization: 'Bearer ck_test_shipping_tests', 'content-type': 'application/json' },
        body: JSON.stringify(status ? { status } : {}),
      });
    const get = async (id: string) =>
      (await call(h.svc, 'GET', `/api/v1/shipping/shipments/${id}`, { as: ADMIN })).body;
    /** Posts a tracking update to the service as the carrier would, signed with `secret` at `t`. */
    const deliver = (payload: object, secret = WEBHOOK_SECRET, t = Math.floor(Date.now() / 1000)) => {
      const body = JSON.stringify(payload);
      const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
      return fetch(`${h.url}/api/v1/shipping/webhooks/carrier`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'carrier-signature': `t=${t},v1=${v1}` },
        body,
      });
    };
    const update = (tracking: string, status: string, id = `evt_${newId()}`) => ({
      id,
      object: 'event',
      type: 'tracker.updated',
      data: {
        object: { tracking_code: tracking, status, message: status, datetime: new Date().toISOString() },
      },
    });

    test('a split order gets a shipment with a label per warehouse, once; a repeated request adds nothing', async () => {
      const body = order();
      const res = await call(h.svc, 'POST', '/api/v1/shipping/shipments', { body });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.items.length, 2);
      for (const s of res.body.items) {
        assert.equal(s.status, 'label_created');
        assert.match(s.trackingNumber, /^MC[0-9A-F]{12}$/);
        assert.match(s.labelUrl, /\/v1\/labels\//);
      }
      const again = await call(h.svc, 'POST', '/api/v1/shipping/shipments', { body });
      assert.deepEqual(
        again.body.items.map((s: { id: string }) => s.id),
        res.body.items.map((s: { id: string }) => s.id),
      );
      for (const s of res.body.items)
        assert.equal((await eventsFor(h.svc, 'shipment.created', s.id)).length, 1);
      const listed = await call(h.svc, 'GET', `/api/v1/shipping/shipments?orderId=${body.orderId}`, {
        as: { roles: ['support'] },
      });
      assert.equal(listed.body.items.length, 2);
    });

    test("dispatch, then the carrier's webhooks take a shipment to delivered; each event is announced once", async () => {
      const [s] = (
        await call(h.svc, 'POST', '/api/v1/shipping/shipments', { body: order(newId(), ['main']) })
      ).body.items;
      const dispatched = await call(h.svc, 'POST', `/api/v1/shipping/shipments/${s.id}/dispatch`);
      assert.equal(dispatched.status, 200, JSON.stringify(dispatched.body));
      assert.ok(['dispatched', 'in_transit'].includes(dispatched.body.status), dispatched.body.status);
      assert.equal((await advance(s.trackingNumber)).status, 200); // out_for_delivery
      assert.equal((await advance(s.trackingNumber)).status, 200); // delivered
      await waitFor(async () => (await get(s.id)).status === 'delivered', 10_000, 'delivered', 20);
      await h.sim.webhooksIdle();
      assert.equal((await eventsFor(h.svc, 'shipment.dispatched', s.id)).length, 1);
      const delivered = await eventsFor(h.svc, 'shipment.delivered', s.id);
      assert.equal(delivered.length, 1);
      assert.equal(delivered[0]?.data.trackingNumber, s.trackingNumber);
      const tracking = await call(h.svc, 'GET', `/api/v1/shipping/tracking/${s.trackingNumber}`, {
        as: 'anonymous',
      });
      assert.deepEqual(
        tracking.body.events.map((e: { status: string }) => e.status),
        ['label_created', 'in_transit', 'out_for_delivery', 'delivered'],
      );
      assert.equal(tracking.body.status, 'delivered');
      assert.equal(
        JSON.stringify(tracking.body).includes('Springfield'),
        false,
        'tracking never shows the address',
      );
    });

    test('a duplicate and a late out-of-order update change nothing; a bad signature or a stale timestamp answers 400', async () => {
      const [s] = (
        await call(h.svc, 'POST', '/api/v1/shipping/shipments', { body: order(newId(), ['main']) })
      ).body.items;
      await h.sim.webhooksIdle();
      const deliveredEvent = update(s.trackingNumber, 'delivered');
      assert.equal((await deliver(deliveredEvent)).status, 200);
      assert.equal((await get(s.id)).status, 'delivered', 'a delivery without a pickup scan still counts');
      const dup = await deliver(deliveredEvent);
      assert.deepEqual(await dup.json(), { received: true, outcome: 'duplicate' });
      assert.equal((await deliver(update(s.trackingNumber, 'in_transit'))).status, 200);
      assert.equal((await get(s.id)).status, 'delivered');
      assert.equal((await eventsFor(h.svc, 'shipment.delivered', s.id)).length, 1);
      assert.equal((await eventsFor(h.svc, 'shipment.dispatched', s.id)).length, 1);

      const [other] = (
        await call(h.svc, 'POST', '/api/v1/shipping/shipments', { body: order(newId(), ['main']) })
      ).body.items;
      const forged = await deliver(update(other.trackingNumber, 'delivered'), 'whsec_someone_else_000000');
      assert.equal(forged.status, 400);
      assert.equal(((await forged.json()) as { code: string }).code, 'SHIPPING_WEBHOOK_SIGNATURE_INVALID');
      const stale = await deliver(
        update(other.trackingNumber, 'delivered'),
        WEBHOOK_SECRET,
        Math.floor(Date.now() / 1000) - 301,
      );
      assert.equal(stale.status, 400);
      assert.equal((await get(other.id)).status, 'label_created');
      const unknown = await deliver(update('MC000000000000', 'delivered'));
      assert.deepEqual(await unknown.json(), { received: true, outcome: 'unknown' });
    });

    test('an exception reported by the carrier is a state and an event', async () => {
      const [s] = (
        await call(h.svc, 'POST', '/api/v1/shipping/shipments', { body: order(newId(), ['main']) })
      ).body.items;
      await call(h.svc, 'POST', `/api/v1/shipping/shipments/${s.id}/dispatch`);
      assert.equal((await advance(s.trackingNumber, 'exception')).status, 200);
      await waitFor(async () => (await get(s.id)).status === 'exception', 10_000, 'exception', 20);
      assert.equal((await eventsFor(h.svc, 'shipment.exception', s.id)).length, 1);
    });

    test('cancel before dispatch voids the label; after dispatch it answers 409 and changes nothing', async () => {
      const [a, b] = (await call(h.svc, 'POST', '/api/v1/shipping/shipments', { body: order() })).body.items;
      const cancelled = await call(h.svc, 'POST', `/api/v1/shipping/shipments/${a.id}/cancel`);
      assert.equal(cancelled.body.status, 'cancelled');
      const atCarrier = await fetch(`${h.sim.url}/v1/shipments/${a.trackingNumber}`, {
        headers: { authorization: 'Bearer ck_test_shipping_tests' },
      });
      assert.equal(((await atCarrier.json()) as { status: string }).status, 'cancelled');
      expectProblem(
        await call(h.svc, 'POST', `/api/v1/shipping/shipments/${a.id}/dispatch`),
        409,
        'SHIPPING_INVALID_TRANSITION',
      );
      await call(h.svc, 'POST', `/api/v1/shipping/shipments/${b.id}/dispatch`);
      expectProblem(
        await call(h.svc, 'POST', `/api/v1/shipping/shipments/${b.id}/cancel`),
        409,
        'SHIPPING_INVALID_TRANSITION',
      );
      assert.ok(['dispatched', 'in_transit'].includes((await get(b.id)).status), 'still on its way');
    });

    test('a method that does not serve the destination answers 422 and creates nothing; a customer may not create shipments', async () => {
      const body = { ...order(), address: { ...address, country: 'JP', region: null } };
      expectProblem(
        await call(h.svc, 'POST', '/api/v1/shipping/shipments', { body }),
        422,
        'SHIPPING_METHOD_UNAVAILABLE',
      );
      expectProblem(
        await call(h.svc, 'POST', '/api/v1/shipping/shipments', {
          body: order(),
          as: { roles: ['customer'] },
        }),
        403,
        'FORBIDDEN',
      );
      const rows = await h.svc.runtime.ctx.database.db
        .selectFrom('shipments')
        .select('id')
        .where('order_id', '=', body.orderId)
        .execute();
      assert.equal(rows.length, 0);
    });
  });

  describe(
    `shipments while the carrier is down (${kind})`,
    kind === 'pg' ? await needs('postgres') : {},
    () => {
      test('a carrier outage answers 503 and leaves the shipment pending; the same request later finishes it', async () => {
        const h = await startShipping(kind);
        try {
          await zoneWithMethod(h.svc, 'home', ['US']);
          const simUrl = h.sim.url;
          await h.sim.close();
          const body = order(newId(), ['main']);
          expectProblem(
            await call(h.svc, 'POST', '/api/v1/shipping/shipments', { body }),
            503,
            'SHIPPING_CARRIER_UNAVAILABLE',
          );
          const pending = await call(h.svc, 'GET', `/api/v1/shipping/shipments?orderId=${body.orderId}`, {
            as: ADMIN,
          });
          assert.deepEqual(
            pending.body.items.map((s: { status: string }) => s.status),
            ['pending'],
          );
          // The carrier comes back on the same address.
          const { createCarrierSimulator } = await import('@mercato/simulators');
          const back = createCarrierSimulator({
            apiKey: 'ck_test_shipping_tests',
            duplicateRate: 0,
            maxDelayMs: 0,
          });
          await back.listen(Number(new URL(simUrl).port));
          try {
            const done = await call(h.svc, 'POST', '/api/v1/shipping/shipments', { body });
            assert.equal(done.status, 201);
            assert.equal(done.body.items[0].status, 'label_created');
            assert.equal((await eventsFor(h.svc, 'shipment.created', done.body.items[0].id)).length, 1);
          } finally {
            await back.close();
          }
        } finally {
          await h.close().catch(() => undefined);
        }
      });
    },
  );
}
