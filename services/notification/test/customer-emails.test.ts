import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, startSmtpSink, type SmtpSink } from '@mercato/testing';
import { newId } from '@mercato/platform/ids';
import { call, expectProblem, messageRows, publish, round, startNotification, type Svc } from './support.ts';

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(
    `new-device sign-in, back in stock, abandoned cart over SMTP (${kind})`,
    kind === 'pg' ? await needs('postgres') : {},
    () => {
      let svc: Svc;
      let smtp: SmtpSink;

      before(async () => {
        smtp = await startSmtpSink();
        svc = await startNotification(kind, {
          SMTP_URL: smtp.url,
          NOTIFICATION_PUBLIC_URL: 'http://shop.test',
        });
      });
      after(async () => {
        await svc?.close();
        await smtp?.stop();
      });

      const mailsTo = (to: string) =>
        smtp.received.filter((m) => m.envelopeTo.includes(to)).map((m) => m.mail);
      const customer = (userId: string) => ({ subject: userId, roles: ['customer'] });
      /** An account notification heard of (user.registered), as identity publishes it. */
      async function account(name = 'Ada Lovelace') {
        const userId = newId();
        const email = `c-${userId.slice(-8)}@example.com`;
        await publish(svc, 'user.registered', userId, { userId, email, name });
        return { userId, email };
      }
      const stockChanged = (sku: string, available: number, backorder = false) =>
        publish(
          svc,
          'inventory.stock_changed',
          sku,
          { sku, available, onHand: available, backorder },
          'inventory',
        );

      test('a sign-in from a new device: the owner gets an email naming the device, the address and the time', async () => {
        const { userId, email } = await account();
        const ua = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Safari/604.1';
        const data = {
          userId,
          email,
          userAgent: ua,
          ipAddress: '203.0.113.7',
          signedInAt: '2026-12-05T04:00:00.000Z',
        };
        const event = await publish(svc, 'user.new_device_signed_in', userId, data);
        await svc.bus.publish(event); // redelivered: still one email
        assert.equal((await round(svc)).sent, 1);
        const mails = mailsTo(email);
        assert.equal(mails.length, 1);
        assert.equal(mails[0]!.subject, 'New sign-in to your Mercato account');
        assert.match(mails[0]!.text ?? '', /Hello Ada Lovelace,/);
        assert.ok((mails[0]!.text ?? '').includes(`${ua}\nfrom 203.0.113.7 at 2026-12-05T04:00:00.000Z`));
        assert.match(String(mails[0]!.html), /iPhone OS 18_0/);
      });

      test('"notify me when SKU X is back": one email when inventory has it again, then never again for that request', async () => {
        const { userId, email } = await account();
        const sku = `SKU-${newId().slice(-8)}`;
        const asked = await call(svc, 'POST', '/api/v1/notifications/stock-alerts', {
          body: { sku },
          as: customer(userId),
        });
        assert.equal(asked.status, 201, JSON.stringify(asked.body));
        assert.deepEqual([asked.body.sku, asked.body.email, asked.body.notifiedAt], [sku, email, null]);
        const again = await call(svc, 'POST', '/api/v1/notifications/stock-alerts', {
          body: { sku },
          as: customer(userId),
        });
        assert.equal(again.status, 200, 'asking twice keeps one alert');

        await stockChanged(sku, 0);
        await stockChanged(`OTHER-${sku}`, 5);
        assert.equal((await round(svc)).claimed, 0, 'no stock, or another SKU: nothing');

        const back = await stockChanged(sku, 3);
        await svc.bus.publish(back); // redelivered
        await stockChanged(sku, 2); // sold one more: the alert was used already
        assert.equal((await round(svc)).sent, 1);
        const mails = mailsTo(email);
        assert.equal(mails.length, 1);
        assert.equal(mails[0]!.subject, `${sku} is back in stock at Mercato`);
        assert.match(mails[0]!.text ?? '', /http:\/\/shop\.test/);

        const mine = await call(svc, 'GET', '/api/v1/notifications/stock-alerts', { as: customer(userId) });
        assert.equal(mine.body.items.length, 1);
        assert.ok(mine.body.items[0].notifiedAt, 'marked sent');
        // Asking again re-arms it; removing it stops it.
        assert.equal(
          (
            await call(svc, 'POST', '/api/v1/notifications/stock-alerts', {
              body: { sku },
              as: customer(userId),
            })
          ).status,
          201,
        );
        const removed = await call(svc, 'DELETE', `/api/v1/notifications/stock-alerts/${sku}`, {
          as: customer(userId),
        });
        assert.equal(removed.status, 204);
        await stockChanged(sku, 9);
        assert.equal((await round(svc)).claimed, 0);
        assert.equal(mailsTo(email).length, 1);
      });

      test('back-in-stock also when the SKU can be backordered; each waiting customer once', async () => {
        const a = await account();
        const b = await account('Grace Hopper');
        const sku = `BO-${newId().slice(-8)}`;
        for (const who of [a, b]) {
          const r = await call(svc, 'POST', '/api/v1/notifications/stock-alerts', {
            body: { sku },
            as: customer(who.userId),
          });
          assert.equal(r.status, 201);
        }
        await stockChanged(sku, 0, true);
        assert.equal((await round(svc)).sent, 2);
        assert.equal(mailsTo(a.email).length, 1);
        assert.match(mailsTo(b.email)[0]!.text ?? '', /Hello Grace Hopper,/);
      });

      test('stock alerts refuse bad input: a malformed SKU 400, no address known 422, a service 403, nothing stored', async () => {
        const { userId } = await account();
        const rows = () => svc.runtime.ctx.database.db.selectFrom('stock_alerts').selectAll().execute();
        const before = (await rows()).length;
        expectProblem(
          await call(svc, 'POST', '/api/v1/notifications/stock-alerts', {
            body: { sku: 'has space' },
            as: customer(userId),
          }),
          400,
          'VALIDATION_FAILED',
        );
        expectProblem(
          await call(svc, 'POST', '/api/v1/notifications/stock-alerts', {
            body: { sku: 'A', extra: 1 },
            as: customer(userId),
          }),
          400,
          'VALIDATION_FAILED',
        );
        expectProblem(
          await call(svc, 'POST', '/api/v1/notifications/stock-alerts', {
            body: { sku: 'A' },
            as: customer(newId()),
          }),
          422,
          'NOTIFICATION_CONTACT_UNKNOWN',
        );
        expectProblem(
          await call(svc, 'POST', '/api/v1/notifications/stock-alerts', {
            body: { sku: 'A' },
            as: { subject: 'checkout-service', kind: 'service', roles: [] },
          }),
          403,
          'FORBIDDEN',
        );
        assert.equal(
          (
            await call(svc, 'POST', '/api/v1/notifications/stock-alerts', {
              body: { sku: 'A' },
              as: 'anonymous',
            })
          ).status,
          401,
        );
        assert.equal((await rows()).length, before);
      });

      test('abandoned cart: a reminder only to a customer with marketing email consent, with the lines and an unsubscribe link', async () => {
        const consenting = await account();
        const silent = await account();
        const put = await call(svc, 'PUT', '/api/v1/notifications/preferences', {
          body: { marketing: { email: true } },
          as: customer(consenting.userId),
        });
        assert.equal(put.status, 200);
        const abandoned = (customerId: string | null) => {
          const cartId = newId();
          return publish(
            svc,
            'cart.abandoned',
            cartId,
            {
              cartId,
              customerId,
              lines: [
                {
                  sku: 'OCT-M',
                  quantity: 2,
                  unitPrice: { amount: 1500, currency: 'EUR' },
                  title: 'Octopus tee, M',
                },
                { sku: 'MUG-1', quantity: 1, unitPrice: { amount: 900, currency: 'EUR' }, title: 'Mug' },
              ],
              subtotal: { amount: 3900, currency: 'EUR' },
              version: 3,
              lastActivityAt: '2026-12-04T10:00:00.000Z',
            },
            'cart',
          );
        };
        const before = (await messageRows(svc)).length;
        await abandoned(consenting.userId);
        await abandoned(silent.userId); // no consent: suppressed, nothing stored
        await abandoned(null); // a guest: no consent possible
        assert.equal((await messageRows(svc)).length, before + 1);
        assert.equal((await round(svc)).sent, 1);
        const [mail] = mailsTo(consenting.email);
        assert.equal(mail?.subject, 'You left something in your Mercato cart');
        assert.match(mail!.text ?? '', /your cart is waiting: 2 × Octopus tee, M, 1 × Mug \(€39\.00\)/);
        assert.match(
          mail!.text ?? '',
          /Unsubscribe: http:\/\/shop\.test\/api\/v1\/notifications\/unsubscribe\?token=/,
        );
        const raw = smtp.received.find((m) => m.envelopeTo.includes(consenting.email))!.raw;
        assert.match(
          raw,
          /^List-Unsubscribe:\s+<http:\/\/shop\.test\/api\/v1\/notifications\/unsubscribe\?token=/m,
        );
        assert.match(raw, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m);
        assert.equal(mailsTo(silent.email).length, 0);
      });
    },
  );
}
