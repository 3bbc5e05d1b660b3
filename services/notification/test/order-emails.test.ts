import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, startSmtpSink, type SmtpSink } from '@mercato/testing';
import { newId } from '@mercato/platform/ids';
import { messageRows, publish, round, startNotification, type Svc } from './support.ts';

after(closeTestPglite);

describe('order emails over SMTP (pglite)', () => {
  let svc: Svc;
  let smtp: SmtpSink;

  before(async () => {
    smtp = await startSmtpSink();
    svc = await startNotification('pglite', {
      SMTP_URL: smtp.url,
      NOTIFICATION_PUBLIC_URL: 'http://shop.test',
    });
  });
  after(async () => {
    await svc?.close();
    await smtp?.stop();
  });

  const ref = (orderId: string, customerId: string | null) => ({
    orderId,
    orderNumber: 'MC-0000042',
    customerId,
  });

  test("a guest's order: confirmation with the total, then shipped with the tracking number, each once", async () => {
    const orderId = newId();
    const to = `guest-${orderId.slice(-8)}@example.com`;
    const confirmed = await publish(
      svc,
      'order.confirmed',
      orderId,
      {
        ...ref(orderId, null),
        checkoutId: newId(),
        email: to,
        total: { amount: 4990, currency: 'EUR' },
        lines: [{ sku: 'MUG-1', quantity: 2 }],
      },
      'order',
    );
    await svc.bus.publish(confirmed); // redelivered
    await publish(
      svc,
      'order.shipped',
      orderId,
      { ...ref(orderId, null), shipmentId: newId(), trackingNumber: 'TRK-9' },
      'order',
    );
    await round(svc);
    const mails = smtp.received.filter((m) => m.envelopeTo.includes(to)).map((m) => m.mail);
    assert.deepEqual(mails.map((m) => m.subject).sort(), [
      'Order MC-0000042 is on its way',
      'Your Mercato order MC-0000042 is confirmed',
    ]);
    const conf = mails.find((m) => /confirmed/.test(m.subject ?? ''))!;
    assert.match(conf.text ?? '', /Total: €49\.90/);
    assert.match(conf.text ?? '', new RegExp(`http://shop\\.test/orders/${orderId}`));
    const shipped = mails.find((m) => /on its way/.test(m.subject ?? ''))!;
    assert.match(shipped.text ?? '', /Tracking number: TRK-9/);
  });

  test('an event of an order this service never saw confirmed sends nothing', async () => {
    const orderId = newId();
    const before = (await messageRows(svc)).length;
    await publish(
      svc,
      'order.delivered',
      orderId,
      { ...ref(orderId, null), deliveredAt: new Date().toISOString() },
      'order',
    );
    assert.equal((await messageRows(svc)).length, before);
  });
});
