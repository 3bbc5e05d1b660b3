import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { identityService } from '@mercato/identity';
import { notificationService } from '@mercato/notification';
import { createMemoryBus } from '@mercato/platform/messaging';
import {
  closeTestPglite,
  injectJson,
  startSmtpSink,
  startTestService,
  type SmtpSink,
  type TestService,
} from '@mercato/testing';

after(closeTestPglite);

// Identity and notification on one bus, email to a real SMTP server on loopback: a customer
// who signs up receives the verification email and the link in it verifies the account.

type Identity = Awaited<ReturnType<typeof identityService.build>>;
type Notification = Awaited<ReturnType<typeof notificationService.build>>;

/** The href values of an HTML body, with the character references HTML escaping made decoded. */
function hrefs(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map((m) =>
    m[1]!
      .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
      .replaceAll('&amp;', '&'),
  );
}

describe('account emails: identity → notification → SMTP (pglite)', () => {
  const bus = createMemoryBus();
  let smtp: SmtpSink;
  let identity: TestService<unknown, Identity['parts']>;
  let notification: TestService<unknown, Notification['parts']>;

  before(async () => {
    smtp = await startSmtpSink();
    notification = (await startTestService(notificationService, 'pglite', {
      bus,
      env: { ...process.env, SMTP_URL: smtp.url, NOTIFICATION_DISPATCH_INTERVAL_MS: '60000' },
    })) as unknown as TestService<unknown, Notification['parts']>;
    identity = (await startTestService(identityService, 'pglite', {
      bus,
      env: {
        ...process.env,
        ARGON2_MEMORY_KIB: '1024',
        ARGON2_TIME_COST: '1',
        IDENTITY_ISSUER: 'http://shop.test',
      },
    })) as unknown as TestService<unknown, Identity['parts']>;
  });
  after(async () => {
    await identity?.close();
    await notification?.close();
    await bus.close();
    await smtp?.stop();
  });

  test('sign up → the verification email arrives over SMTP → its link verifies the account → sign-in works', async () => {
    const email = `ada.${Date.now().toString(36)}@example.test`;
    const password = 'Correct-Horse-7';
    const reg = await injectJson(identity, 'POST', '/api/v1/auth/register', {
      body: { email, password, name: 'Ada Lovelace' },
    });
    assert.equal(reg.status, 201, JSON.stringify(reg.body));
    const refused = await injectJson(identity, 'POST', '/api/v1/auth/login', { body: { email, password } });
    assert.equal(refused.status, 403, 'not verified yet');

    await identity.flush(); // identity's relay publishes user.registered and the verification request
    await notification.flush(); // the dispatcher sends what the consumer queued
    const mails = smtp.received.filter((m) => m.envelopeTo.includes(email));
    assert.equal(mails.length, 1);
    const mail = mails[0]!.mail;
    assert.equal(mail.subject, 'Confirm your email address for Mercato');
    assert.match(mail.text ?? '', /Hello Ada Lovelace,/);
    const link = hrefs(String(mail.html))[0]!;
    assert.ok((mail.text ?? '').includes(link), 'the text body carries the same link');
    const url = new URL(link);
    assert.equal(`${url.origin}${url.pathname}`, 'http://shop.test/verify-email');

    // Following the link: the page posts its token to identity's verify route.
    const verified = await injectJson(identity, 'POST', '/api/v1/auth/verify-email', {
      body: { token: url.searchParams.get('token') },
    });
    assert.equal(verified.status, 200, JSON.stringify(verified.body));
    assert.equal(verified.body.emailVerified, true);
    const login = await injectJson(identity, 'POST', '/api/v1/auth/login', { body: { email, password } });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    assert.ok(login.body.accessToken);
  });

  test('a password reset request sends the reset link, which sets the new password', async () => {
    const email = `grace.${Date.now().toString(36)}@example.test`;
    const reg = await injectJson(identity, 'POST', '/api/v1/auth/register', {
      body: { email, password: 'Correct-Horse-7' },
    });
    assert.equal(reg.status, 201);
    const asked = await injectJson(identity, 'POST', '/api/v1/auth/password/forgot', { body: { email } });
    assert.ok(asked.status < 300, JSON.stringify(asked.body));
    await identity.flush();
    await notification.flush();
    const reset = smtp.received.filter(
      (m) => m.envelopeTo.includes(email) && /password/i.test(m.mail.subject ?? ''),
    );
    assert.equal(reset.length, 1);
    const link = new URL(hrefs(String(reset[0]!.mail.html))[0]!);
    assert.equal(link.pathname, '/reset-password');
    const done = await injectJson(identity, 'POST', '/api/v1/auth/password/reset', {
      body: { token: link.searchParams.get('token'), newPassword: 'Another-Horse-8' },
    });
    assert.ok(done.status < 300, JSON.stringify(done.body));
    const again = await injectJson(identity, 'POST', '/api/v1/auth/password/reset', {
      body: { token: link.searchParams.get('token'), newPassword: 'Third-Horse-9x' },
    });
    assert.equal(again.status, 400, 'the link is single-use');
  });

  test('a sign-in from a second device emails the owner about it; the first device and a repeat do not', async () => {
    const email = `ada.dev.${Date.now().toString(36)}@example.test`;
    const password = 'Correct-Horse-7';
    const reg = await injectJson(identity, 'POST', '/api/v1/auth/register', {
      body: { email, password, name: 'Ada Lovelace' },
    });
    assert.equal(reg.status, 201);
    await identity.flush();
    await notification.flush();
    const link = new URL(
      hrefs(String(smtp.received.find((m) => m.envelopeTo.includes(email))!.mail.html))[0]!,
    );
    const verified = await injectJson(identity, 'POST', '/api/v1/auth/verify-email', {
      body: { token: link.searchParams.get('token') },
    });
    assert.equal(verified.status, 200);
    const signIn = async (userAgent: string) => {
      const res = await injectJson(identity, 'POST', '/api/v1/auth/login', {
        body: { email, password },
        headers: { 'user-agent': userAgent },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    };
    await signIn('Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0');
    await signIn('Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Safari/604.1');
    await signIn('Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Safari/604.1');
    await identity.flush();
    await notification.flush();
    const alerts = smtp.received.filter(
      (m) => m.envelopeTo.includes(email) && /New sign-in/.test(m.mail.subject ?? ''),
    );
    assert.equal(alerts.length, 1);
    assert.match(alerts[0]!.mail.text ?? '', /iPhone OS 18_0/);
    assert.match(alerts[0]!.mail.text ?? '', /Hello Ada Lovelace,/);
  });
});
