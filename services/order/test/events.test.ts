import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, testEvent, waitFor } from '@mercato/testing';
import { ADMIN, call, createOrder, eventsFor, sagaPost, startOrder, type Svc } from './support.ts';

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(
    `payment and shipment events move orders (${kind})`,
    kind === 'pg' ? await needs('postgres') : {},
    () => {
      let svc: Svc;
      let close: () => Promise<void>;
      before(async () => {
        ({ svc, close } = await startOrder(kind));
      });
      after(async () => {
        await close?.();
      });

      const statusOf = async (id: string) =>
        (await call(svc, 'GET', `/api/v1/orders/${id}`, { as: ADMIN })).body;
      const publish = async (type: string, subject: string, data: unknown, source: string) => {
        const event = testEvent(type, subject, data, { source });
        await svc.bus.publish(event);
        await svc.flush();
        return event;
      };
      const captured = (o: { id: string }, paymentId: string) => ({
        paymentId,
        orderId: o.id,
        checkoutId: null,
        currency: 'USD',
        amount: 4388,
        authorizedAmount: 4388,
      });
      const shipment = (o: { id: string }, shipmentId: string) => ({
        shipmentId,
        orderId: o.id,
        warehouseCode: 'MAIN',
        carrier: 'simulator',
        trackingNumber: 'SIM123',
      });

      test('payment.captured makes a confirmed order paid once; the same event again changes nothing', async () => {
        const o = await createOrder(svc);
        await sagaPost(svc, `/api/v1/orders/${o.id}/confirm`);
        const paymentId = '0190a000-0000-7000-8000-0000000000c1';
        const event = await publish('payment.captured', paymentId, captured(o, paymentId), 'payment');
        const paid = await statusOf(o.id);
        assert.equal(paid.status, 'paid');
        assert.equal(paid.paymentId, paymentId);
        await svc.bus.publish(event);
        await svc.flush();
        assert.equal((await statusOf(o.id)).version, paid.version);
        assert.equal((await eventsFor(svc, 'order.paid', o.id)).length, 1);
      });

      test('a capture that arrives before the saga confirmed is retried, parked, and applied when replayed after the confirm', async () => {
        const o = await createOrder(svc);
        const paymentId = '0190a000-0000-7000-8000-0000000000c2';
        const event = testEvent('payment.captured', paymentId, captured(o, paymentId), { source: 'payment' });
        await svc.bus.publish(event);
        await svc.flush();
        // Still pending: the handler refused it on every try (the test runtime tries 3 times).
        assert.equal((await statusOf(o.id)).status, 'pending');
        let parked: { id: string; error: string } | undefined;
        await waitFor(
          async () => {
            parked = (await svc.runtime.deadLetters.list()).items.find((d) => d.eventId === event.id);
            return parked;
          },
          10_000,
          'the early capture parked',
        );
        assert.match(parked!.error, /not confirmed yet/);
        await sagaPost(svc, `/api/v1/orders/${o.id}/confirm`);
        await svc.runtime.deadLetters.replay(parked!.id);
        await svc.flush();
        assert.equal((await statusOf(o.id)).status, 'paid');
      });

      test('shipment.dispatched ships a paid order, shipment.delivered delivers it; repeats and late events change nothing', async () => {
        const o = await createOrder(svc);
        await sagaPost(svc, `/api/v1/orders/${o.id}/confirm`);
        const paymentId = '0190a000-0000-7000-8000-0000000000c3';
        await publish('payment.captured', paymentId, captured(o, paymentId), 'payment');
        const shipmentId = '0190a000-0000-7000-8000-0000000000d1';
        const dispatched = await publish(
          'shipment.dispatched',
          shipmentId,
          { ...shipment(o, shipmentId), dispatchedAt: new Date().toISOString() },
          'shipping',
        );
        assert.equal((await statusOf(o.id)).status, 'shipped');
        assert.equal((await eventsFor(svc, 'order.shipped', o.id))[0]?.data.trackingNumber, 'SIM123');
        const deliveredAt = '2026-12-02T12:00:00.000Z';
        await publish(
          'shipment.delivered',
          shipmentId,
          { ...shipment(o, shipmentId), deliveredAt },
          'shipping',
        );
        const delivered = await statusOf(o.id);
        assert.equal(delivered.status, 'delivered');
        assert.equal(delivered.deliveredAt, deliveredAt);
        await svc.bus.publish({ ...dispatched, id: '0190a000-0000-7000-8000-0000000000e1' });
        await svc.flush();
        assert.equal(
          (await statusOf(o.id)).version,
          delivered.version,
          'a late dispatch does not move it back',
        );
        assert.equal((await eventsFor(svc, 'order.delivered', o.id)).length, 1);
      });

      test('events for an order this service does not have are acknowledged and change nothing', async () => {
        const stranger = { id: '0190a000-0000-7000-8000-0000000000f9' };
        await publish('payment.captured', stranger.id, captured(stranger, stranger.id), 'payment');
        const parked = (await svc.runtime.deadLetters.list()).items.filter(
          (d) => d.eventId !== undefined && d.envelope && JSON.stringify(d.envelope).includes(stranger.id),
        );
        assert.equal(parked.length, 0);
      });
    },
  );
}
