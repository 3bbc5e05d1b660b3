import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { notificationService } from '@mercato/notification';
import { orderService } from '@mercato/order';
import { createMemoryBus } from '@mercato/platform/messaging';
import { settingsService } from '@mercato/settings';
import {
  callAs,
  closeTestPglite,
  startSmtpSink,
  startTestService,
  testServiceToken,
  type MintOptions,
  type SmtpSink,
  type TestService,
} from '@mercato/testing';
import { extractText, getDocumentProxy } from 'unpdf';

after(closeTestPglite);

// Order, settings and notification on one bus, each on a loopback port: the checkout saga's
// confirmation publishes order.confirmed, notification queues the email and, when it sends
// it, fetches the invoice PDF from the real order service with its own service token (order
// reads the shop's details from the real settings service); the email reaches a real SMTP
// server and the test reads the PDF attached to it.

type Runtime<S extends { build: (...a: never[]) => Promise<unknown> }> = Awaited<ReturnType<S['build']>>;
type Svc<S extends { build: (...a: never[]) => Promise<unknown> }> = TestService<
  unknown,
  Runtime<S> extends { parts: infer P } ? P : never
>;

const usd = (amount: number) => ({ amount, currency: 'USD' });

const SAGA: MintOptions = {
  subject: 'checkout-service',
  kind: 'service',
  roles: [],
  permissions: ['orders:write', 'orders:read'],
  scope: 'orders:write orders:read',
};

describe('order confirmation email: order → notification → SMTP, invoice from order (pglite)', () => {
  const bus = createMemoryBus();
  let smtp: SmtpSink;
  let settings: Svc<typeof settingsService>;
  let order: Svc<typeof orderService>;
  let notification: Svc<typeof notificationService>;

  before(async () => {
    smtp = await startSmtpSink();
    settings = (await startTestService(settingsService, 'pglite', { bus })) as unknown as Svc<
      typeof settingsService
    >;
    await settings.runtime.seed();
    const settingsUrl = await settings.runtime.listen(0, '127.0.0.1');
    order = (await startTestService(orderService, 'pglite', {
      bus,
      env: { ...process.env, SETTINGS_URL: settingsUrl },
    })) as unknown as Svc<typeof orderService>;
    const orderUrl = await order.runtime.listen(0, '127.0.0.1');
    notification = (await startTestService(notificationService, 'pglite', {
      bus,
      serviceToken: testServiceToken({ subject: 'notification-service' }),
      env: {
        ...process.env,
        SMTP_URL: smtp.url,
        ORDER_URL: orderUrl,
        NOTIFICATION_PUBLIC_URL: 'http://shop.test',
        NOTIFICATION_DISPATCH_INTERVAL_MS: '60000',
      },
    })) as unknown as Svc<typeof notificationService>;
  });
  after(async () => {
    await notification?.close();
    await order?.close();
    await settings?.close();
    await bus.close();
    await smtp?.stop();
  });

  test('a confirmed order: one email with the total and the invoice PDF order rendered (number, lines, shop)', async () => {
    const email = `buyer.${Date.now().toString(36)}@example.test`;
    const created = await callAs(order, 'POST', '/api/v1/orders', {
      as: SAGA,
      body: {
        checkoutId: `chk-${Date.now()}`,
        email,
        currency: 'USD',
        lines: [{ sku: 'MUG-2', title: 'Big mug', quantity: 2, unitPrice: usd(1500), tax: usd(240) }],
        shippingAddress: { name: 'Ada Buyer', line1: '1 Main St', city: 'Springfield', country: 'US' },
        shippingMethod: { code: 'standard', name: 'Standard', cost: usd(500) },
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const { id, number } = created.body as { id: string; number: string };
    const confirmed = await callAs(order, 'POST', `/api/v1/orders/${id}/confirm`, { as: SAGA, body: {} });
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));

    await order.flush(); // order's relay publishes order.confirmed; notification queues the email
    await notification.flush(); // the dispatcher fetches the invoice and sends
    const mails = smtp.received.filter((m) => m.envelopeTo.includes(email));
    assert.equal(mails.length, 1);
    const mail = mails[0]!.mail;
    assert.equal(mail.subject, `Your Mercato order ${number} is confirmed`);
    assert.match(mail.text ?? '', /Total: \$37\.40/);
    assert.match(String(mail.html), new RegExp(`http://shop\\.test/orders/${id}`));
    assert.equal(mail.attachments.length, 1);
    const pdf = mail.attachments[0]!;
    assert.equal(pdf.filename, `invoice-${number}.pdf`);
    assert.equal(pdf.contentType, 'application/pdf');
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf.content)), {
      mergePages: true,
    });
    for (const expected of [`Invoice ${number}`, 'Mercato Demo Store', 'Ada Buyer', 'MUG-2', '37.40 USD']) {
      assert.ok(text.includes(expected), `the invoice says ${expected}: ${text}`);
    }

    // A second flush sends nothing more: one event, one email.
    await notification.flush();
    assert.equal(smtp.received.filter((m) => m.envelopeTo.includes(email)).length, 1);
  });
});
