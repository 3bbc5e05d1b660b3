import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, waitFor } from '@mercato/testing';
import { newId } from '@mercato/platform/ids';
import {
  authorized,
  call,
  captured,
  eventsFor,
  expectProblem,
  read,
  startPayment,
  type PaymentHarness,
} from './support.ts';

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(`payments (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let h: PaymentHarness;
    before(async () => {
      h = await startPayment(kind);
    });
    after(async () => {
      await h?.close();
    });

    test('a good card is authorized with its card summary and risk, and payment.authorized is published', async () => {
      const orderId = newId();
      const p = await authorized(h, { orderId, customerId: 'cust-1', email: 'Buyer@Example.com' });
      assert.equal(p.orderId, orderId);
      assert.match(p.providerReference, /^pi_/);
      assert.deepEqual(p.card, {
        brand: 'visa',
        last4: '4242',
        expMonth: 12,
        expYear: new Date().getUTCFullYear() + 3,
        country: 'US',
      });
      assert.deepEqual(p.risk, { score: 0, decision: 'allow', reasons: [] });
      assert.equal(p.capturedAmount, 0);
      const [event] = await eventsFor(h.svc, 'payment.authorized', p.id);
      assert.deepEqual(event?.data, {
        paymentId: p.id,
        orderId,
        checkoutId: p.checkoutId,
        currency: 'USD',
        amount: 2500,
        providerReference: p.providerReference,
        risk: 'allow',
      });
    });

    test('declined, insufficient funds, expired and processing-error cards fail with their codes and payment.failed', async () => {
      for (const [number, code] of [
        ['4000000000000002', 'generic_decline'],
        ['4000000000009995', 'insufficient_funds'],
        ['4000000000000069', 'expired_card'],
        ['4000000000000119', 'processing_error'],
      ] as const) {
        const res = await h.authorize({ paymentMethod: { token: await h.token(number) } });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        assert.equal(res.body.status, 'failed', number);
        assert.equal(res.body.failure.code, code, number);
        const [event] = await eventsFor(h.svc, 'payment.failed', res.body.id);
        assert.equal(event?.data.failureCode, code);
      }
    });

    test('a 3-D Secure card requires action; the buyer approving on the challenge page authorizes it through the webhook', async () => {
      const res = await h.authorize({
        paymentMethod: { token: await h.token('4000000000003220') },
        returnUrl: 'https://shop.example/back',
      });
      assert.equal(res.body.status, 'requires_action');
      assert.equal(res.body.nextAction.type, 'redirect');
      const [asked] = await eventsFor(h.svc, 'payment.requires_action', res.body.id);
      assert.equal(asked?.data.actionUrl, res.body.nextAction.url);
      // The browser follows the redirect and presses "Complete authentication".
      const page = await (await fetch(res.body.nextAction.url)).text();
      const secret = /name="secret" value="([0-9a-f]+)"/.exec(page)?.[1];
      const approve = await fetch(`${h.pspUrl}/3ds/${res.body.providerReference}/approve`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `secret=${secret}`,
        redirect: 'manual',
      });
      assert.equal(approve.status, 303);
      await waitFor(
        async () => (await read(h.svc, `/api/v1/payments/${res.body.id}`)).body.status === 'authorized',
        10_000,
        'the webhook to authorize it',
      );
      assert.equal((await eventsFor(h.svc, 'payment.authorized', res.body.id)).length, 1);
    });

    test('a rejected challenge fails the payment with authentication_failed', async () => {
      const res = await h.authorize({ paymentMethod: { token: await h.token('4000000000003220') } });
      const secret = new URL(res.body.nextAction.url).searchParams.get('secret');
      await fetch(`${h.pspUrl}/3ds/${res.body.providerReference}/reject`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `secret=${secret}`,
        redirect: 'manual',
      });
      await waitFor(
        async () => (await read(h.svc, `/api/v1/payments/${res.body.id}`)).body.status === 'failed',
        10_000,
        'the failure webhook',
      );
      const p = (await read(h.svc, `/api/v1/payments/${res.body.id}`)).body;
      assert.equal(p.failure.code, 'authentication_failed');
    });

    test('a card confirmed later is processing until the webhook authorizes it', async () => {
      const res = await h.authorize({ paymentMethod: { token: await h.token('4000000000000077') } });
      assert.equal(res.body.status, 'processing');
      await waitFor(
        async () => (await read(h.svc, `/api/v1/payments/${res.body.id}`)).body.status === 'authorized',
        10_000,
        'the late authorization',
      );
    });

    test('a partial capture charges part of the authorization and publishes payment.captured', async () => {
      const p = await authorized(h, { amount: { amount: 5000, currency: 'USD' } });
      const res = await h.post(`/api/v1/payments/${p.id}/capture`, {
        amount: { amount: 3000, currency: 'USD' },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.status, 'captured');
      assert.equal(res.body.capturedAmount, 3000);
      const [event] = await eventsFor(h.svc, 'payment.captured', p.id);
      assert.equal(event?.data.amount, 3000);
      assert.equal(event?.data.authorizedAmount, 5000);
      // A second capture is an illegal transition.
      expectProblem(await h.post(`/api/v1/payments/${p.id}/capture`, {}), 409, 'PAYMENT_INVALID_STATE');
    });

    test('a full capture without a body captures everything; the same Idempotency-Key replays the answer', async () => {
      const p = await authorized(h);
      const key = newId();
      const first = await h.post(`/api/v1/payments/${p.id}/capture`, undefined, key);
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.capturedAmount, 2500);
      const again = await h.post(`/api/v1/payments/${p.id}/capture`, undefined, key);
      assert.equal(again.status, 200);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.equal((await eventsFor(h.svc, 'payment.captured', p.id)).length, 1);
    });

    test('void releases an authorization once; a repeat answers voided; a captured payment cannot be voided', async () => {
      const p = await authorized(h);
      const v = await h.post(`/api/v1/payments/${p.id}/void`);
      assert.equal(v.body.status, 'voided');
      assert.equal((await h.post(`/api/v1/payments/${p.id}/void`)).body.status, 'voided');
      assert.equal((await eventsFor(h.svc, 'payment.voided', p.id)).length, 1);
      expectProblem(await h.post(`/api/v1/payments/${p.id}/capture`, {}), 409, 'PAYMENT_INVALID_STATE');
      const c = await captured(h);
      expectProblem(await h.post(`/api/v1/payments/${c.id}/void`), 409, 'PAYMENT_INVALID_STATE');
    });

    test('authorize is idempotent: the same key answers the same payment, another body with it is 422', async () => {
      const key = newId();
      const body = {
        checkoutId: `chk-${newId()}`,
        amount: { amount: 1200, currency: 'USD' },
        paymentMethod: { token: await h.token() },
      };
      const first = await h.post('/api/v1/payments', body, key);
      const again = await h.post('/api/v1/payments', body, key);
      assert.equal(again.status, 201);
      assert.equal(again.body.id, first.body.id);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      expectProblem(
        await h.post('/api/v1/payments', { ...body, amount: { amount: 1300, currency: 'USD' } }, key),
        422,
        'IDEMPOTENCY_KEY_REUSED',
      );
      const list = await read(h.svc, `/api/v1/payments?checkoutId=${body.checkoutId}`);
      assert.equal(list.body.totalCount, 1);
    });

    test('the ledger lists every provider call and webhook with amounts and references', async () => {
      const p = await captured(h, 4000);
      await h.psp.webhooksIdle();
      await waitFor(
        async () =>
          (await read(h.svc, `/api/v1/payments/${p.id}/transactions`)).body.items.filter(
            (t: { kind: string }) => t.kind === 'webhook',
          ).length >= 2,
        10_000,
        'both webhooks in the ledger',
      );
      const items = (await read(h.svc, `/api/v1/payments/${p.id}/transactions`)).body.items as Array<
        Record<string, unknown>
      >;
      const calls = items.filter((t) => t.kind !== 'webhook');
      assert.deepEqual(
        calls.map((t) => [t.kind, t.status, t.amount, t.providerReference]),
        [
          ['authorize', 'succeeded', 4000, p.providerReference],
          ['capture', 'succeeded', 4000, p.providerReference],
        ],
      );
      assert.ok(calls.every((t) => typeof t.idempotencyKey === 'string'));
      const hooks = items.filter((t) => t.kind === 'webhook');
      // Both webhooks repeat what the calls' answers said; one may arrive before the answer
      // and be the one that moves the payment: recorded either way, the capture counted once.
      assert.equal(hooks.length, 2);
      assert.ok(hooks.every((t) => t.status === 'applied' || t.status === 'ignored'));
      assert.ok(hooks.every((t) => String(t.providerEventId).startsWith('evt_')));
      assert.equal((await eventsFor(h.svc, 'payment.captured', p.id)).length, 1);
      assert.equal((await eventsFor(h.svc, 'payment.authorized', p.id)).length, 1);
    });

    test('reads: a customer sees their own payment, 404 for anyone else’s; listing needs payments:read', async () => {
      const p = await authorized(h, { customerId: 'cust-own' });
      const own = await call(h.svc, 'GET', `/api/v1/payments/${p.id}`, {
        as: { subject: 'cust-own', roles: ['customer'] },
      });
      assert.equal(own.status, 200);
      expectProblem(
        await call(h.svc, 'GET', `/api/v1/payments/${p.id}`, {
          as: { subject: 'cust-other', roles: ['customer'] },
        }),
        404,
        'PAYMENT_NOT_FOUND',
      );
      expectProblem(
        await call(h.svc, 'GET', '/api/v1/payments', { as: { subject: 'cust-own', roles: ['customer'] } }),
        403,
        'FORBIDDEN',
      );
      const body = {
        checkoutId: 'chk-x',
        amount: { amount: 100, currency: 'USD' },
        paymentMethod: { token: await h.token() },
      };
      expectProblem(
        await call(h.svc, 'POST', '/api/v1/payments', {
          as: { subject: 'cust-own', roles: ['customer'] },
          body,
          headers: { 'idempotency-key': newId() },
        }),
        403,
        'FORBIDDEN',
      );
    });
  });
}
