import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { waitFor } from '@mercato/testing';

/**
 * The PSP simulator the launcher started answers on its port (8190 + offset): a card is
 * tokenized there as a browser would, authorized and captured through the gateway, and the
 * simulator's signed webhooks reach the payment service (its ledger records them).
 */
export async function expectPaymentThroughPsp(
  base: string,
  offset: number,
  admin: { authorization: string },
): Promise<void> {
  const psp = `http://127.0.0.1:${8190 + offset}`;
  const tokenized = await fetch(`${psp}/v1/tokens`, {
    method: 'POST',
    headers: { authorization: 'Bearer pk_test_mercato_simulator', 'content-type': 'application/json' },
    body: JSON.stringify({ card: { number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123' } }),
  });
  assert.equal(tokenized.status, 200, await tokenized.clone().text());
  const { id: token } = (await tokenized.json()) as { id: string };
  const headers = { ...admin, 'content-type': 'application/json' };
  const authorized = await fetch(`${base}/api/v1/payments`, {
    method: 'POST',
    headers: { ...headers, 'idempotency-key': randomUUID() },
    body: JSON.stringify({
      checkoutId: `launcher-${randomUUID()}`,
      amount: { amount: 1999, currency: 'USD' },
      paymentMethod: { token },
    }),
  });
  assert.equal(authorized.status, 201, await authorized.clone().text());
  const payment = (await authorized.json()) as { id: string; status: string };
  assert.equal(payment.status, 'authorized');
  const captured = await fetch(`${base}/api/v1/payments/${payment.id}/capture`, {
    method: 'POST',
    headers: { ...headers, 'idempotency-key': randomUUID() },
    body: '{}',
  });
  assert.equal(captured.status, 200, await captured.clone().text());
  await waitFor(
    async () => {
      const res = await fetch(`${base}/api/v1/payments/${payment.id}/transactions`, { headers: admin });
      const { items } = (await res.json()) as { items: Array<{ kind: string }> };
      return items.filter((t) => t.kind === 'webhook').length >= 2;
    },
    30_000,
    "the PSP's webhooks in the payment ledger",
  );
}
