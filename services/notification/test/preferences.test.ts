import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs } from '@mercato/testing';
import { newId } from '@mercato/platform/ids';
import { call, expectProblem, round, startNotification, type Svc } from './support.ts';

after(closeTestPglite);

const announcement = { headline: 'Spring sale', body: 'Everything 20% off.' };

for (const kind of ['pglite', 'pg'] as const) {
  describe(
    `preferences, quiet hours, unsubscribe, rate limit (${kind})`,
    kind === 'pg' ? await needs('postgres') : {},
    () => {
      let svc: Svc;

      before(async () => {
        svc = await startNotification(kind, {
          NOTIFICATION_RATE_LIMIT: '2',
          NOTIFICATION_RATE_WINDOW_MS: '60000',
        });
      });
      after(async () => {
        await svc?.close();
      });

      const customer = (userId: string) => ({ subject: userId, roles: ['customer'] });
      const send = (userId: string, to: string) =>
        call(svc, 'POST', '/api/v1/notifications/messages', {
          body: { type: 'announcement', to, userId, data: announcement },
        });
      const mailbox = async (to: string) =>
        (await call(svc, 'GET', `/api/v1/notifications/dev-mailbox?to=${to}`, { as: { roles: ['admin'] } }))
          .body.items;

      test('marketing is opt-in: without consent nothing is stored; with it the email carries a working unsubscribe link', async () => {
        const userId = newId();
        const to = `m-${userId.slice(-8)}@example.com`;
        const before = await send(userId, to);
        assert.equal(before.status, 202);
        assert.equal(before.body.outcome, 'suppressed');
        assert.equal(
          (
            await svc.runtime.ctx.database.db
              .selectFrom('messages')
              .where('recipient', '=', to)
              .selectAll()
              .execute()
          ).length,
          0,
        );

        const prefs = await call(svc, 'PUT', '/api/v1/notifications/preferences', {
          body: { marketing: { email: true } },
          as: customer(userId),
        });
        assert.equal(prefs.status, 200, JSON.stringify(prefs.body));
        assert.deepEqual(prefs.body.marketing, { email: true, sms: false, push: false });
        assert.deepEqual(prefs.body.transactional, { email: true, sms: true, push: true });

        const queued = await send(userId, to);
        assert.equal(queued.body.outcome, 'queued');
        await round(svc);
        const [mail] = await mailbox(to);
        assert.equal(mail.subject, 'Spring sale');
        const link = /Unsubscribe: (\S+)/.exec(mail.text)?.[1];
        assert.ok(link, mail.text);
        assert.equal(mail.headers['List-Unsubscribe'], `<${link}>`);
        assert.equal(mail.headers['List-Unsubscribe-Post'], 'List-Unsubscribe=One-Click');

        // Followed without signing in.
        const url = new URL(link);
        const out = await call(svc, 'GET', `${url.pathname}${url.search}`, { as: 'anonymous' });
        assert.equal(out.status, 200, JSON.stringify(out.body));
        assert.deepEqual(out.body, { unsubscribed: true, channel: 'email' });
        const mine = await call(svc, 'GET', '/api/v1/notifications/preferences', { as: customer(userId) });
        assert.equal(mine.body.marketing.email, false);
        assert.equal((await send(userId, to)).body.outcome, 'suppressed');
      });

      test('a forged or altered unsubscribe token is refused', async () => {
        const forged = `${newId()}.email.${'A'.repeat(43)}`;
        expectProblem(
          await call(svc, 'POST', `/api/v1/notifications/unsubscribe?token=${forged}`, { as: 'anonymous' }),
          400,
          'NOTIFICATION_UNSUBSCRIBE_TOKEN_INVALID',
        );
      });

      test('quiet hours hold marketing until they end; transactional mail goes at once', async () => {
        const userId = newId();
        const to = `q-${userId.slice(-8)}@example.com`;
        const res = await call(svc, 'PUT', '/api/v1/notifications/preferences', {
          body: {
            marketing: { email: true },
            quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/Berlin' },
          },
          as: customer(userId),
        });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        expectProblem(
          await call(svc, 'PUT', '/api/v1/notifications/preferences', {
            body: { quietHours: { start: '22:00', end: '07:00', timeZone: 'Mars/Olympus' } },
            as: customer(userId),
          }),
          400,
          'NOTIFICATION_TIME_ZONE_INVALID',
        );
        const night = new Date('2030-01-15T23:30:00.000Z'); // 00:30 in Berlin (UTC+1)
        const { messages } = svc.runtime.parts;
        const result = await svc.runtime.ctx.database.transaction((trx) =>
          messages.enqueue(
            trx,
            {
              type: 'announcement',
              channel: 'email',
              to,
              userId,
              data: announcement,
              dedupeKey: `q:${userId}`,
            },
            night,
          ),
        );
        assert.equal(result.outcome, 'queued');
        assert.equal(
          result.outcome === 'queued' && result.notBefore.toISOString(),
          '2030-01-16T06:00:00.000Z',
        );
        const transactional = await svc.runtime.ctx.database.transaction((trx) =>
          messages.enqueue(
            trx,
            {
              type: 'password_changed',
              channel: 'email',
              to,
              userId,
              data: { reason: 'change' },
              dedupeKey: `t:${userId}`,
            },
            night,
          ),
        );
        assert.equal(
          transactional.outcome === 'queued' && transactional.notBefore.getTime(),
          night.getTime(),
        );
        const r1 = await round(svc, night);
        assert.equal(r1.sent, 1, 'only the transactional one');
        assert.equal((await round(svc, new Date('2030-01-16T05:59:00.000Z'))).claimed, 0);
        assert.equal((await round(svc, new Date('2030-01-16T06:00:00.000Z'))).sent, 1);
      });

      test('a recipient gets at most the rate limit per window; the rest wait and go when it frees', async () => {
        const to = `r-${newId().slice(-8)}@example.com`;
        const data = { sku: 'A-1', warehouseCode: 'MAIN', available: 1, threshold: 5 };
        for (let i = 0; i < 3; i++) {
          const res = await call(svc, 'POST', '/api/v1/notifications/messages', {
            body: { type: 'low_stock', to, data },
          });
          assert.equal(res.status, 202);
        }
        const t0 = new Date('2031-03-01T10:00:00.000Z');
        const r = await round(svc, t0);
        assert.deepEqual([r.sent, r.deferred], [2, 1]);
        assert.equal((await round(svc, new Date(t0.getTime() + 30_000))).claimed, 0);
        assert.equal((await round(svc, new Date(t0.getTime() + 60_000))).sent, 1);
        assert.equal((await mailbox(to)).length, 3);
      });
    },
  );
}
