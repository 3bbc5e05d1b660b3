import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, startSmtpSink, type SmtpSink } from '@mercato/testing';
import { newId } from '@mercato/platform/ids';
import { call, expectProblem, messageRows, publish, round, startNotification, type Svc } from './support.ts';

after(closeTestPglite);

const SECRET = 'delivery-webhook-secret-of-the-smtp-provider';

/** The provider's signature header: `t=<unix s>,v1=<HMAC-SHA256 of "<t>.<body>">`. */
function sign(body: string, secret = SECRET, t = Math.floor(Date.now() / 1000)): string {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

for (const kind of ['pglite', 'pg'] as const) {
  describe(`delivery-status webhook (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let svc: Svc;
    let smtp: SmtpSink;

    before(async () => {
      smtp = await startSmtpSink();
      svc = await startNotification(kind, { SMTP_URL: smtp.url, NOTIFICATION_WEBHOOK_SECRET: SECRET });
    });
    after(async () => {
      await svc?.close();
      await smtp?.stop();
    });

    async function post(body: unknown, signature?: string) {
      const raw = typeof body === 'string' ? body : JSON.stringify(body);
      const res = await svc.runtime.app.inject({
        method: 'POST',
        url: '/api/v1/notifications/delivery-status',
        headers: {
          'content-type': 'application/json',
          ...(signature !== null && { 'delivery-signature': signature ?? sign(raw) }),
        },
        payload: raw,
      });
      return { status: res.statusCode, headers: res.headers, body: res.json() };
    }

    /** A verification email sent over SMTP: its row and the Message-ID the server received. */
    async function sentEmail() {
      const userId = newId();
      const to = `w-${userId.slice(-8)}@example.com`;
      await publish(svc, 'identity.verification_requested', userId, {
        userId,
        email: to,
        verificationUrl: 'http://shop.test/verify-email?token=x',
        expiresAt: '2030-01-01T00:00:00.000Z',
      });
      await round(svc);
      const row = (await messageRows(svc)).find((m) => m.recipient === to)!;
      assert.equal(row.status, 'sent');
      const mail = smtp.received.find((m) => m.envelopeTo.includes(to))!.mail;
      return { row, messageIdHeader: mail.messageId! };
    }
    const detail = async (id: string) =>
      (await call(svc, 'GET', `/api/v1/notifications/messages/${id}`, { as: { roles: ['admin'] } })).body;

    test('delivered, then a late bounce: each moves the message and is kept in its delivery log; a repeated event changes nothing', async () => {
      const { row, messageIdHeader } = await sentEmail();
      const delivered = {
        id: `evt-${newId()}`,
        messageId: messageIdHeader,
        status: 'delivered',
        detail: '250 2.0.0 OK',
      };
      const res = await post({ events: [delivered] });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body, { received: 1, results: [{ id: delivered.id, outcome: 'applied' }] });
      assert.equal((await detail(row.id)).status, 'delivered');

      const again = await post({ events: [delivered] });
      assert.equal(again.body.results[0].outcome, 'duplicate');
      const bounce = {
        id: `evt-${newId()}`,
        messageId: row.id,
        status: 'bounced',
        at: new Date().toISOString(),
        detail: '550 5.1.1 mailbox unknown',
      };
      assert.equal((await post({ events: [bounce] })).body.results[0].outcome, 'applied');
      const late = { id: `evt-${newId()}`, messageId: row.id, status: 'delivered' };
      assert.equal(
        (await post({ events: [late] })).body.results[0].outcome,
        'ignored',
        'no delivery after a bounce',
      );

      const d = await detail(row.id);
      assert.equal(d.status, 'bounced');
      assert.equal(d.lastError, '550 5.1.1 mailbox unknown');
      assert.deepEqual(
        d.deliveries.map((x: { outcome: string; providerResponse: string }) => [
          x.outcome,
          x.providerResponse,
        ]),
        [
          ['sent', d.deliveries[0].providerResponse],
          ['delivered', '250 2.0.0 OK'],
          ['bounced', '550 5.1.1 mailbox unknown'],
          ['delivered', 'delivered'],
        ],
      );
      const listed = await call(svc, 'GET', '/api/v1/notifications/messages?status=bounced', {
        as: { roles: ['admin'] },
      });
      assert.ok(listed.body.items.some((m: { id: string }) => m.id === row.id));
    });

    test('reports for an unknown message or one not sent yet change nothing', async () => {
      const res = await post({
        events: [
          { id: `evt-${newId()}`, messageId: newId(), status: 'delivered' },
          { id: `evt-${newId()}`, messageId: 'not-ours@elsewhere.test', status: 'bounced' },
        ],
      });
      assert.deepEqual(
        res.body.results.map((r: { outcome: string }) => r.outcome),
        ['unknown_message', 'unknown_message'],
      );
      const queued = await call(svc, 'POST', '/api/v1/notifications/messages', {
        body: {
          type: 'low_stock',
          to: `q-${newId().slice(-6)}@example.com`,
          data: { sku: 'A', warehouseCode: 'W', available: 1, threshold: 2 },
        },
      });
      const r = await post({
        events: [{ id: `evt-${newId()}`, messageId: queued.body.messageId, status: 'delivered' }],
      });
      assert.equal(r.body.results[0].outcome, 'not_sent');
      assert.equal((await detail(queued.body.messageId)).status, 'queued');
    });

    test('a forged, stale, unsigned or malformed call: 400 with its code, nothing changed', async () => {
      const { row } = await sentEmail();
      const body = JSON.stringify({
        events: [{ id: `evt-${newId()}`, messageId: row.id, status: 'bounced' }],
      });
      expectProblem(
        await post(body, sign(body, 'some-other-secret-of-32-characters!!')),
        400,
        'NOTIFICATION_WEBHOOK_SIGNATURE_INVALID',
      );
      expectProblem(
        await post(body, sign(body, SECRET, Math.floor(Date.now() / 1000) - 3600)),
        400,
        'NOTIFICATION_WEBHOOK_SIGNATURE_INVALID',
      );
      expectProblem(await post(body, ''), 400, 'NOTIFICATION_WEBHOOK_SIGNATURE_INVALID');
      expectProblem(await post('{"events": ['), 400, 'NOTIFICATION_WEBHOOK_MALFORMED');
      const p = expectProblem(
        await post({ events: [{ id: 'e', messageId: row.id, status: 'opened' }] }),
        400,
        'NOTIFICATION_WEBHOOK_MALFORMED',
      );
      assert.ok(p.errors.length > 0);
      const d = await detail(row.id);
      assert.equal(d.status, 'sent');
      assert.equal(d.deliveries.length, 1);
    });
  });
}
