// Payment benchmark in distributed mode (a process per service on PostgreSQL, NATS, Redis;
// the PSP simulator as the launcher starts it): one payment = authorize (POST
// /api/v1/payments: fraud velocity reads, the payment row, the simulator's payment intent,
// the ledger row and payment.authorized in the outbox) then capture (POST
// /api/v1/payments/{id}/capture: the claim, the simulator's capture, the ledger row and
// payment.captured), straight to the payment service and through the gateway. Issue #18's
// target: ≥ 1,000 payments/s. Payments use saved cards (reusable at the provider; a
// single-use token per payment would measure the tokenization too), with the velocity
// rule's limit raised so the fraud check allows them all.
// Usage: node bench/payment-scenarios.ts [--duration 10] [--connections 64] [--customers 200]
// (not run on the shared development machine; record results in bench/README.md.)
import { serviceManifests } from '@mercato/contracts';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { adminHeaders } from './admin-session.ts';
import { benchUrl, BENCH_PORT_OFFSET, startBenchPlatform } from './bench-platform.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    customers: { type: 'string', default: '200' },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const customerCount = Number(values.customers);

process.env.PAYMENT_RISK_VELOCITY_LIMIT = '10000';
process.env.PSP_DUPLICATE_RATE = '0';
const platform = await startBenchPlatform('distributed', { seed: false });
const gateway = benchUrl(8080);
const admin = await adminHeaders(gateway);
const psp = `http://127.0.0.1:${8190 + BENCH_PORT_OFFSET}`;

/** A saved card per customer (tokenized at the simulator as a browser would, then saved by the customer's admin call). */
async function savedCards(): Promise<Array<{ customerId: string; methodId: string }>> {
  const out: Array<{ customerId: string; methodId: string }> = [];
  for (let i = 0; i < customerCount; i++) {
    const tok = await fetch(`${psp}/v1/tokens`, {
      method: 'POST',
      headers: { authorization: 'Bearer pk_test_mercato_simulator', 'content-type': 'application/json' },
      body: JSON.stringify({
        card: { number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123' },
      }),
    });
    const { id: token } = (await tok.json()) as { id: string };
    const customerId = `bench-customer-${i}`;
    const res = await fetch(`${gateway}/api/v1/payments`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify({
        checkoutId: `bench-setup-${i}`,
        customerId,
        amount: { amount: 100, currency: 'USD' },
        paymentMethod: { token, save: true },
      }),
    });
    const body = (await res.json()) as { savedMethodId: string };
    out.push({ customerId, methodId: body.savedMethodId });
  }
  return out;
}

interface Result {
  target: string;
  payments: number;
  perSec: number;
  p50: number;
  p99: number;
  failures: number;
}

/** `connections` loops, each paying (authorize + capture) one after the other for `duration` s. */
async function run(
  target: string,
  base: string,
  cards: Array<{ customerId: string; methodId: string }>,
): Promise<Result> {
  const pool = new Pool(base, { connections });
  const latencies: number[] = [];
  let failures = 0;
  const post = async (path: string, body: unknown) => {
    const res = await pool.request({
      method: 'POST',
      path,
      headers: { ...admin, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify(body),
    });
    const json = (await res.body.json()) as { id?: string; status?: string };
    return { status: res.statusCode, json };
  };
  const deadline = Date.now() + duration * 1000;
  await Promise.all(
    Array.from({ length: connections }, async (_, c) => {
      for (let n = 0; Date.now() < deadline; n++) {
        const card = cards[(c + n * connections) % cards.length]!;
        const started = performance.now();
        const a = await post('/api/v1/payments', {
          checkoutId: `bench-${randomUUID()}`,
          customerId: card.customerId,
          amount: { amount: 2500, currency: 'USD' },
          paymentMethod: { savedMethodId: card.methodId },
        });
        if (a.status !== 201 || a.json.status !== 'authorized') {
          failures++;
          continue;
        }
        const cap = await post(`/api/v1/payments/${a.json.id}/capture`, {});
        if (cap.status !== 200) failures++;
        else latencies.push(performance.now() - started);
      }
    }),
  );
  await pool.close();
  latencies.sort((x, y) => x - y);
  const at = (q: number) => Math.round((latencies[Math.floor(q * (latencies.length - 1))] ?? 0) * 10) / 10;
  return {
    target,
    payments: latencies.length,
    perSec: Math.round(latencies.length / duration),
    p50: at(0.5),
    p99: at(0.99),
    failures,
  };
}

try {
  const cards = await savedCards();
  const results = [
    await run('payment service', benchUrl(serviceManifests.payment.port), cards),
    await run('gateway', gateway, cards),
  ];
  console.table(results);
} finally {
  await platform.stop();
}
