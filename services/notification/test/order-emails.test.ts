import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, startSmtpSink, type SmtpSink } from '@mercato/testing';
import { extractText, getDocumentProxy } from 'unpdf';
import { newId } from '@mercato/platform/ids';
import { startOrderStandIn, type OrderStandIn } from './order-stand-in.ts';
import { call, messageRows, publish, round, seconds, startNotification, type Svc } from './support.ts';

after(closeTestPglite);

describe('order emails over SMTP, the confirmation with the invoice PDF from order (pglite)', () => {
  let svc: Svc;
  let smtp: SmtpSink;
  let order: OrderStandIn;

  before(async () => {
    smtp = await startSmtpSink();
    order = await startOrderStandIn();
    svc = await startNotification('pglite', {
      SMTP_URL: smtp.url,
      ORDER_URL: order.url,
      NOTIFICATION_PUBLIC_URL: 'http://shop.test',
    });
  });
  after(async () => {
    await svc?.close();
    await order?.close();
    await smtp?.stop();
  });

  const ref = (orderId: string, customerId: string | null) => ({
    orderId,
    orderNumber: 'MC-0000042',
    customerId,
  });

  test("a guest's order: confirmation with the total, then shipped with the tracking number, each once", async () => {
    const orderId = newId();
    order.orders.set(orderId, 'MC-0000042');
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

  async function confirmed(orderNumber: string, known = true) {
    const orderId = newId();
    if (known) order.orders.set(orderId, orderNumber);
    const to = `buyer-${orderId.slice(-8)}@example.com`;
    await publish(
      svc,
      'order.confirmed',
      orderId,
      {
        orderId,
        orderNumber,
        customerId: null,
        checkoutId: newId(),
        email: to,
        total: { amount: 4388, currency: 'USD' },
        lines: [{ sku: 'OCT-M', quantity: 2 }],
      },
      'order',
    );
    return { orderId, to };
  }

  test('the confirmation arrives over SMTP with the invoice PDF fetched from order with the service token', async () => {
    const { to } = await confirmed('MC-0000101');
    assert.equal((await round(svc)).sent, 1);
    const got = smtp.received.filter((m) => m.envelopeTo.includes(to));
    assert.equal(got.length, 1);
    const mail = got[0]!.mail;
    assert.equal(mail.subject, 'Your Mercato order MC-0000101 is confirmed');
    assert.match(mail.text ?? '', /Total: \$43\.88/);
    assert.match(String(mail.html), /MC-0000101/);
    assert.equal(mail.attachments.length, 1);
    const [pdf] = mail.attachments;
    assert.equal(pdf!.filename, 'invoice-MC-0000101.pdf');
    assert.equal(pdf!.contentType, 'application/pdf');
    assert.equal(pdf!.content.subarray(0, 5).toString('latin1'), '%PDF-');
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf!.content)), {
      mergePages: true,
    });
    assert.match(text, /Invoice MC-0000101/);
    assert.equal(order.callers.at(-1), 'service', 'order was called with the service token');
  });

  test('order down: the confirmation waits and is retried, then sent once with the invoice when order is back', async () => {
    const { to } = await confirmed('MC-0000102');
    order.down = true;
    const t0 = new Date();
    try {
      assert.equal((await round(svc, t0)).retried, 1);
    } finally {
      order.down = false;
    }
    assert.equal(smtp.received.filter((m) => m.envelopeTo.includes(to)).length, 0, 'nothing sent without it');
    assert.equal((await round(svc, seconds(t0, 1))).sent, 1);
    assert.equal((await round(svc, seconds(t0, 60))).claimed, 0);
    const got = smtp.received.filter((m) => m.envelopeTo.includes(to));
    assert.equal(got.length, 1);
    assert.equal(got[0]!.mail.attachments[0]?.filename, 'invoice-MC-0000102.pdf');

    const [row] = (await messageRows(svc)).filter((m) => m.recipient === to);
    const detail = await call(svc, 'GET', `/api/v1/notifications/messages/${row!.id}`, {
      as: { roles: ['admin'] },
    });
    assert.deepEqual(
      detail.body.deliveries.map((d: { outcome: string }) => d.outcome),
      ['retry', 'sent'],
    );
    assert.match(detail.body.deliveries[0].providerResponse, /invoice of order .* not fetched/);
  });

  test('an order that order does not know: the message fails at once (no email without its invoice), replayable', async () => {
    const { to, orderId } = await confirmed('MC-0000103', false);
    assert.equal((await round(svc)).failed, 1);
    const [row] = (await messageRows(svc)).filter((m) => m.recipient === to);
    assert.equal(row?.status, 'failed');
    assert.match(row?.last_error ?? '', /refused: 404/);
    assert.equal(smtp.received.filter((m) => m.envelopeTo.includes(to)).length, 0);

    order.orders.set(orderId, 'MC-0000103');
    assert.equal((await call(svc, 'POST', `/api/v1/notifications/messages/${row!.id}/replay`)).status, 200);
    assert.equal((await round(svc)).sent, 1);
    assert.equal(smtp.received.filter((m) => m.envelopeTo.includes(to)).length, 1);
  });
});
