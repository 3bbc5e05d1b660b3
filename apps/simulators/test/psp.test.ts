import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { waitFor } from '@mercato/testing';
import { PUBLISHABLE_KEY, signatureValid, startPsp, startReceiver } from './support.ts';

describe('PSP simulator: cards, intents, 3-D Secure', async () => {
  const { psp, url, call, token } = await startPsp();
  after(() => psp.close());

  test('tokenizes a card for a publishable key with CORS, and refuses a bad number, expiry or CVC with 402', async () => {
    const ok = await call(
      'POST',
      '/v1/tokens',
      { card: { number: '4242 4242 4242 4242', exp_month: 12, exp_year: 2031, cvc: '123' } },
      { authorization: `Bearer ${PUBLISHABLE_KEY}`, origin: 'http://shop.example' },
    );
    assert.equal(ok.status, 200);
    assert.match(ok.body.id, /^tok_/);
    assert.deepEqual(
      { brand: ok.body.card.brand, last4: ok.body.card.last4, country: ok.body.card.country },
      { brand: 'visa', last4: '4242', country: 'US' },
    );
    assert.equal(ok.body.card.number, undefined, 'the number never comes back');
    assert.equal(ok.headers.get('access-control-allow-origin'), '*');
    const bad = async (card: Record<string, unknown>) =>
      (
        await call(
          'POST',
          '/v1/tokens',
          { card: { number: '4242424242424242', exp_month: 12, exp_year: 2031, cvc: '123', ...card } },
          { authorization: `Bearer ${PUBLISHABLE_KEY}` },
        )
      ).body.error.code;
    assert.equal(await bad({ number: '4242424242424241' }), 'incorrect_number');
    assert.equal(await bad({ exp_year: 2001 }), 'invalid_expiry_year');
    assert.equal(await bad({ exp_month: 13 }), 'invalid_expiry_month');
    assert.equal(await bad({ cvc: '1' }), 'invalid_cvc');
    // The publishable key may only tokenize.
    const pi = await call('POST', '/v1/payment_intents', {}, { authorization: `Bearer ${PUBLISHABLE_KEY}` });
    assert.equal(pi.status, 401);
  });

  test('each test card gives its documented outcome', async () => {
    const confirm = async (number: string) =>
      call('POST', '/v1/payment_intents', {
        amount: 1500,
        currency: 'usd',
        payment_method: await token(number),
      });
    const success = await confirm('4242424242424242');
    assert.equal(success.status, 200);
    assert.equal(success.body.status, 'requires_capture');
    assert.equal(success.body.amount_capturable, 1500);
    for (const [number, code, decline] of [
      ['4000000000000002', 'card_declined', 'generic_decline'],
      ['4000000000009995', 'card_declined', 'insufficient_funds'],
      ['4000000000000069', 'expired_card', undefined],
      ['4000000000000119', 'processing_error', undefined],
    ] as const) {
      const res = await confirm(number);
      assert.equal(res.status, 402, number);
      assert.equal(res.body.error.code, code, number);
      assert.equal(res.body.error.decline_code, decline, number);
      assert.equal(res.body.error.payment_intent.status, 'requires_payment_method');
    }
    const challenge = await confirm('4000000000003220');
    assert.equal(challenge.body.status, 'requires_action');
    assert.match(challenge.body.next_action.redirect_to_url.url, new RegExp(`^${url}/3ds/pi_`));
    const later = await confirm('4000000000000077');
    assert.equal(later.body.status, 'processing');
    await waitFor(
      async () =>
        (await call('GET', `/v1/payment_intents/${later.body.id}`)).body.status === 'requires_capture',
      5000,
      'the processing payment to be authorized',
    );
    const brazil = await confirm('4000000760000002');
    assert.equal(brazil.body.payment_method_details.card.country, 'BR');
  });

  test('the challenge page approves or rejects, and sends the buyer back to return_url', async () => {
    const start = async () =>
      (
        await call('POST', '/v1/payment_intents', {
          amount: 990,
          currency: 'eur',
          payment_method: await token('4000000000003220'),
          return_url: 'https://shop.example/return',
        })
      ).body;
    const pi = await start();
    const page = await fetch(pi.next_action.redirect_to_url.url);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /9\.90 EUR/);
    assert.match(html, /ending in <strong>3220/);
    const secret = new URL(pi.next_action.redirect_to_url.url).searchParams.get('secret') ?? '';
    const form = (decision: string, id: string, s = secret) =>
      fetch(`${url}/3ds/${id}/${decision}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `secret=${s}`,
        redirect: 'manual',
      });
    assert.equal((await form('approve', pi.id, 'wrong')).status, 404);
    const approved = await form('approve', pi.id);
    assert.equal(approved.status, 303);
    const back = new URL(approved.headers.get('location') ?? '');
    assert.equal(back.origin + back.pathname, 'https://shop.example/return');
    assert.equal(back.searchParams.get('status'), 'requires_capture');
    const other = await start();
    const rejected = await form(
      'reject',
      other.id,
      new URL(other.next_action.redirect_to_url.url).searchParams.get('secret') ?? '',
    );
    assert.equal(
      new URL(rejected.headers.get('location') ?? '').searchParams.get('status'),
      'requires_payment_method',
    );
    const after = (await call('GET', `/v1/payment_intents/${other.id}`)).body;
    assert.equal(after.last_payment_error.code, 'payment_intent_authentication_failure');
  });

  test('captures part of an authorization, refunds never more than received, cancels only what is not captured', async () => {
    const pi = (
      await call('POST', '/v1/payment_intents', {
        amount: 5000,
        currency: 'usd',
        payment_method: await token('4242424242424242'),
      })
    ).body;
    assert.equal(
      (await call('POST', `/v1/payment_intents/${pi.id}/capture`, { amount_to_capture: 5001 })).status,
      400,
    );
    const captured = await call('POST', `/v1/payment_intents/${pi.id}/capture`, { amount_to_capture: 3000 });
    assert.equal(captured.body.status, 'succeeded');
    assert.equal(captured.body.amount_received, 3000);
    assert.equal((await call('POST', `/v1/payment_intents/${pi.id}/cancel`)).status, 400);
    assert.equal((await call('POST', '/v1/refunds', { payment_intent: pi.id, amount: 2000 })).status, 200);
    const over = await call('POST', '/v1/refunds', { payment_intent: pi.id, amount: 1001 });
    assert.equal(over.status, 400);
    assert.equal(over.body.error.code, 'amount_too_large');
    const rest = await call('POST', '/v1/refunds', { payment_intent: pi.id });
    assert.equal(rest.body.amount, 1000);
    const other = (
      await call('POST', '/v1/payment_intents', {
        amount: 700,
        currency: 'usd',
        payment_method: await token('4242424242424242'),
      })
    ).body;
    assert.equal((await call('POST', `/v1/payment_intents/${other.id}/cancel`)).body.status, 'canceled');
  });

  test('an Idempotency-Key answers the first answer again; another body with it is refused', async () => {
    const tok = await token('4242424242424242');
    const body = { amount: 1200, currency: 'usd', payment_method: tok };
    const first = await call('POST', '/v1/payment_intents', body, { 'idempotency-key': 'k-1' });
    const again = await call('POST', '/v1/payment_intents', body, { 'idempotency-key': 'k-1' });
    assert.equal(again.body.id, first.body.id);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    const other = await call(
      'POST',
      '/v1/payment_intents',
      { ...body, amount: 1300 },
      { 'idempotency-key': 'k-1' },
    );
    assert.equal(other.status, 400);
    assert.equal(other.body.error.type, 'idempotency_error');
    // The token was used once: without the key, a second charge with it is refused.
    assert.equal((await call('POST', '/v1/payment_intents', body)).body.error.code, 'token_already_used');
  });

  test('a reusable payment method charges several times and stops after detach', async () => {
    const pm = await call('POST', '/v1/payment_methods', { token: await token('5555555555554444') });
    assert.match(pm.body.id, /^pm_/);
    assert.equal(pm.body.card.brand, 'mastercard');
    for (let i = 0; i < 2; i++) {
      const pi = await call('POST', '/v1/payment_intents', {
        amount: 100,
        currency: 'usd',
        payment_method: pm.body.id,
      });
      assert.equal(pi.body.status, 'requires_capture');
    }
    await call('POST', `/v1/payment_methods/${pm.body.id}/detach`);
    assert.equal(
      (
        await call('POST', '/v1/payment_intents', {
          amount: 100,
          currency: 'usd',
          payment_method: pm.body.id,
        })
      ).status,
      404,
    );
  });
});

describe('PSP simulator: webhooks', () => {
  test('signs every event (HMAC over timestamp and body), retries failed deliveries, and duplicates as seeded', async () => {
    const receiver = await startReceiver((n) => (n === 1 ? 500 : 200));
    const { psp, call, token } = await startPsp({ duplicateRate: 1 });
    try {
      const ep = (await call('POST', '/v1/webhook_endpoints', { url: receiver.url })).body;
      assert.match(ep.secret, /^whsec_/);
      const pi = (
        await call('POST', '/v1/payment_intents', {
          amount: 100,
          currency: 'usd',
          payment_method: await token('4242424242424242'),
        })
      ).body;
      await psp.webhooksIdle();
      const forPi = receiver.received.filter((r) => r.event.data.object.id === pi.id);
      // Two deliveries (duplicateRate 1) plus one retry of the first, which got a 500.
      assert.equal(forPi.length, 3);
      assert.ok(forPi.every((r) => r.event.type === 'payment_intent.amount_capturable_updated'));
      assert.equal(new Set(forPi.map((r) => r.event.id)).size, 1, 'a duplicate carries the same event id');
      for (const r of forPi) {
        assert.ok(signatureValid(String(r.headers['psp-signature']), r.body, ep.secret));
        assert.ok(!signatureValid(String(r.headers['psp-signature']), r.body, 'whsec_other'));
      }
      const ts = Number(/t=(\d+)/.exec(String(forPi[0]?.headers['psp-signature']))?.[1]);
      assert.ok(Math.abs(ts - Date.now() / 1000) < 60);
      const log = (await call('GET', '/v1/test_helpers/webhook_deliveries')).body.data as Array<{
        status: number;
      }>;
      assert.deepEqual(log.map((d) => d.status).sort(), [200, 200, 500]);
    } finally {
      await psp.close();
      await receiver.close();
    }
  });

  test('the same seed gives the same duplicates and delivery order; delays reorder close events', async () => {
    async function run(seed: number): Promise<string[]> {
      const receiver = await startReceiver();
      const { psp, call, token } = await startPsp({ seed, duplicateRate: 0.5, maxDelayMs: 40 });
      try {
        await call('POST', '/v1/webhook_endpoints', { url: receiver.url });
        const ids: string[] = [];
        for (let i = 0; i < 6; i++) {
          const pi = (
            await call('POST', '/v1/payment_intents', {
              amount: 100 + i,
              currency: 'usd',
              payment_method: await token('4242424242424242'),
            })
          ).body;
          ids.push(pi.id);
        }
        await psp.webhooksIdle();
        // Which events went twice, by the intent's position: timing may differ, the decisions may not.
        const counts = ids.map((id) => receiver.received.filter((r) => r.event.data.object.id === id).length);
        return counts.map(String);
      } finally {
        await psp.close();
        await receiver.close();
      }
    }
    const a = await run(7);
    const b = await run(7);
    assert.deepEqual(a, b);
    assert.ok(a.includes('2') && a.includes('1'), `some duplicated, some not: ${a.join(',')}`);
  });
});
