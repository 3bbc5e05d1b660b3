import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs } from '@mercato/testing';
import { newId } from '@mercato/platform/ids';
import { call, messageRows, publish, round, seconds, startNotification, type Svc } from './support.ts';
import { startSmtpSink, type SmtpSink } from '@mercato/testing';

after(closeTestPglite);

/** The href values of an HTML body, with the character references HTML escaping made decoded. */
function hrefs(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map((m) =>
    m[1]!
      .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
      .replaceAll('&amp;', '&'),
  );
}

function verificationEvent(email: string) {
  const userId = newId();
  return {
    userId,
    email,
    verificationUrl: `http://shop.test/verify-email?token=${'T'.repeat(43)}`,
    expiresAt: '2030-01-01T00:00:00.000Z',
  };
}

for (const kind of ['pglite', 'pg'] as const) {
  describe(`email over SMTP (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let svc: Svc;
    let smtp: SmtpSink;

    before(async () => {
      smtp = await startSmtpSink();
      svc = await startNotification(kind, { SMTP_URL: smtp.url, MAIL_FROM: 'Mercato <shop@mercato.test>' });
    });
    after(async () => {
      await svc?.close();
      await smtp?.stop();
    });

    test('a verification request reaches the SMTP server: recipient, subject, both bodies, the link', async () => {
      const to = `ada-${newId().slice(-8)}@example.com`;
      const data = verificationEvent(to);
      const event = await publish(svc, 'identity.verification_requested', data.userId, data);
      const r = await round(svc);
      assert.equal(r.sent, 1);

      const got = smtp.received.filter((m) => m.envelopeTo.includes(to));
      assert.equal(got.length, 1);
      const mail = got[0]!.mail;
      assert.equal(mail.subject, 'Confirm your email address for Mercato');
      assert.equal(mail.from?.value[0]?.address, 'shop@mercato.test');
      assert.match(mail.text ?? '', new RegExp(data.verificationUrl.replace(/[?]/g, '\\?')));
      assert.equal(
        hrefs(String(mail.html))[0],
        data.verificationUrl,
        'the HTML link is the verification URL',
      );
      const [row] = (await messageRows(svc)).filter((m) => m.recipient === to);
      assert.equal(row?.status, 'sent');
      assert.equal(row?.event_id, event.id);
      assert.equal(mail.messageId, `<${row!.id}@mercato.test>`, 'the Message-ID is the message id');

      const sent = svc.published.filter((e) => e.type === 'notification.sent' && e.subject === row!.id);
      await svc.flush();
      const events = svc.published.filter((e) => e.type === 'notification.sent' && e.subject === row!.id);
      assert.equal(events.length, Math.max(1, sent.length));
      assert.equal((events[0]!.data as { eventId: string }).eventId, event.id);
    });

    test('a redelivered event never sends a second email', async () => {
      const to = `dup-${newId().slice(-8)}@example.com`;
      const data = verificationEvent(to);
      const event = await publish(svc, 'identity.verification_requested', data.userId, data);
      await svc.bus.publish(event); // the same envelope again, as a redelivery
      await round(svc);
      await svc.bus.publish(event);
      await round(svc);
      assert.equal(smtp.received.filter((m) => m.envelopeTo.includes(to)).length, 1);
      assert.equal((await messageRows(svc)).filter((m) => m.recipient === to).length, 1);
    });

    test('an SMTP server answering 4xx: retried with back-off and delivered once when it accepts', async () => {
      const to = `busy-${newId().slice(-8)}@example.com`;
      const data = verificationEvent(to);
      await publish(svc, 'identity.verification_requested', data.userId, data);
      smtp.failNext(2, 451, 'mailbox busy');
      const t0 = new Date();
      assert.equal((await round(svc, t0)).retried, 1);
      assert.equal((await round(svc, seconds(t0, 0.5))).claimed, 0, 'not due before the back-off');
      assert.equal((await round(svc, seconds(t0, 1))).retried, 1, 'second try after 1 s');
      assert.equal((await round(svc, seconds(t0, 2.5))).claimed, 0, 'the next waits 2 s');
      assert.equal((await round(svc, seconds(t0, 3))).sent, 1);
      assert.equal(smtp.received.filter((m) => m.envelopeTo.includes(to)).length, 1);

      const [row] = (await messageRows(svc)).filter((m) => m.recipient === to);
      const detail = await call(svc, 'GET', `/api/v1/notifications/messages/${row!.id}`, {
        as: { roles: ['admin'] },
      });
      assert.equal(detail.status, 200);
      assert.equal(detail.body.status, 'sent');
      assert.deepEqual(
        detail.body.deliveries.map((d: { outcome: string }) => d.outcome),
        ['retry', 'retry', 'sent'],
      );
      assert.match(detail.body.deliveries[0].providerResponse, /451/);
    });

    test('an SMTP server that is down: retried, and delivered once when it is back', async () => {
      const to = `down-${newId().slice(-8)}@example.com`;
      const data = verificationEvent(to);
      await publish(svc, 'identity.verification_requested', data.userId, data);
      await smtp.stop();
      const t0 = new Date();
      try {
        assert.equal((await round(svc, t0)).retried, 1);
      } finally {
        await smtp.start();
      }
      assert.equal((await round(svc, seconds(t0, 1))).sent, 1);
      assert.equal((await round(svc, seconds(t0, 60))).claimed, 0);
      assert.equal(smtp.received.filter((m) => m.envelopeTo.includes(to)).length, 1);
    });

    test('a permanent refusal (5xx) fails the message at once; an admin replays it and it is delivered', async () => {
      const to = `gone-${newId().slice(-8)}@example.com`;
      const data = verificationEvent(to);
      await publish(svc, 'identity.verification_requested', data.userId, data);
      smtp.failNext(1, 550, 'no such mailbox');
      assert.equal((await round(svc)).failed, 1);
      const [row] = (await messageRows(svc)).filter((m) => m.recipient === to);
      assert.equal(row?.status, 'failed');
      await svc.flush();
      const failed = svc.published.filter((e) => e.type === 'notification.failed' && e.subject === row!.id);
      assert.equal(failed.length, 1);
      assert.equal((failed[0]!.data as { permanent: boolean }).permanent, true);

      const listed = await call(svc, 'GET', '/api/v1/notifications/messages?status=failed', {
        as: { roles: ['admin'] },
      });
      assert.ok(listed.body.items.some((m: { id: string }) => m.id === row!.id));
      const replay = await call(svc, 'POST', `/api/v1/notifications/messages/${row!.id}/replay`);
      assert.equal(replay.status, 200);
      assert.equal(replay.body.status, 'queued');
      assert.equal((await round(svc)).sent, 1);
      assert.equal(smtp.received.filter((m) => m.envelopeTo.includes(to)).length, 1);
      const again = await call(svc, 'POST', `/api/v1/notifications/messages/${row!.id}/replay`);
      assert.equal(again.status, 409);
    });

    test('the last retry that fails gives the message up (notification.failed, not permanent)', async () => {
      const to = `flaky-${newId().slice(-8)}@example.com`;
      const data = verificationEvent(to);
      await publish(svc, 'identity.verification_requested', data.userId, data);
      smtp.failNext(4, 421, 'service not available');
      const t0 = new Date();
      const outcomes = [];
      for (const s of [0, 1, 3, 7]) {
        const r = await round(svc, seconds(t0, s));
        outcomes.push(r.failed ? 'failed' : r.retried ? 'retry' : 'none');
      }
      assert.deepEqual(outcomes, ['retry', 'retry', 'retry', 'failed']);
      assert.equal(smtp.received.filter((m) => m.envelopeTo.includes(to)).length, 0);
      smtp.failNext(0, 451);
    });
  });
}
