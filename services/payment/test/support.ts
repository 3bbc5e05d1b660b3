// The payment tests run the real PSP simulator (apps/simulators) on a free port, the payment
// service on it listening on another, the simulator's webhooks going to it over HTTP.
import { createPspSimulator, type PspSimulator, type PspSimulatorOptions } from '@mercato/simulators';
import { newId } from '@mercato/platform/ids';
import type { EventEnvelope } from '@mercato/contracts';
import {
  callAs,
  eventsFor as kitEventsFor,
  startTestService,
  TEST_ADMIN,
  type Body,
  type DbKind,
  type Reply,
  type TestService,
} from '@mercato/testing';
import assert from 'node:assert/strict';
import type { PaymentDB } from '../src/db.ts';
import { paymentService } from '../src/service.ts';

export { callAs as call, expectProblem, TEST_ADMIN as ADMIN, type Body, type Reply } from '@mercato/testing';

export const SECRET_KEY = 'sk_test_payment_tests';
export const PUBLISHABLE_KEY = 'pk_test_payment_tests';
export const WEBHOOK_SECRET = 'whsec_payment_tests_0123456789';

export type Svc = TestService<PaymentDB>;

/** A clock the service reads; `advance` moves it away from the real one (the simulator's). */
export interface TestClock {
  now(): number;
  advance(ms: number): void;
}

export interface PaymentHarness {
  svc: Svc;
  psp: PspSimulator;
  pspUrl: string;
  serviceUrl: string;
  clock: TestClock;
  /** A card token from the simulator, as the browser gets it (the number goes to the PSP only). */
  token(number?: string): Promise<string>;
  /** POST /api/v1/payments as the checkout saga (payments:write) with a fresh Idempotency-Key. */
  authorize(body?: Record<string, unknown>, key?: string): Promise<Reply>;
  /** POST as the saga to a payment's sub-resource with a fresh Idempotency-Key. */
  post(path: string, body?: unknown, key?: string): Promise<Reply>;
  close(): Promise<void>;
}

/** The checkout saga's service client. */
export const SAGA = {
  subject: 'checkout-service',
  kind: 'service' as const,
  roles: [],
  permissions: ['payments:write', 'payments:read', 'payments:refund'],
};

export async function startPayment(
  kind: DbKind,
  psp: Partial<PspSimulatorOptions> = {},
  env: Record<string, string> = {},
): Promise<PaymentHarness> {
  const simulator = createPspSimulator({
    secretKey: SECRET_KEY,
    publishableKey: PUBLISHABLE_KEY,
    seed: 1,
    duplicateRate: 0,
    maxDelayMs: 0,
    retryBaseMs: 20,
    asyncDelayMs: 30,
    ...psp,
  });
  const pspUrl = await simulator.listen(0);
  let offset = 0;
  const clock: TestClock = { now: () => Date.now() + offset, advance: (ms) => (offset += ms) };
  const svc = await startTestService(paymentService, kind, {
    now: clock.now,
    env: {
      ...process.env,
      PSP_API_URL: pspUrl,
      PSP_SECRET_KEY: SECRET_KEY,
      PSP_WEBHOOK_SECRET: WEBHOOK_SECRET,
      ...env,
    },
  });
  const serviceUrl = await svc.runtime.listen(0);
  simulator.addWebhookEndpoint(`${serviceUrl}/api/v1/payments/webhooks/simulator`, WEBHOOK_SECRET);

  async function token(number = '4242424242424242'): Promise<string> {
    const res = await fetch(`${pspUrl}/v1/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${PUBLISHABLE_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        card: { number, exp_month: 12, exp_year: new Date().getUTCFullYear() + 3, cvc: '123' },
      }),
    });
    const body = (await res.json()) as { id: string };
    assert.equal(res.status, 200, JSON.stringify(body));
    return body.id;
  }
  const post = (path: string, body?: unknown, key = newId()) =>
    callAs(svc, 'POST', path, { body, headers: { 'idempotency-key': key }, as: SAGA });
  return {
    svc,
    psp: simulator,
    pspUrl,
    serviceUrl,
    clock,
    token,
    async authorize(body = {}, key = newId()) {
      const full = {
        checkoutId: `chk-${newId()}`,
        amount: { amount: 2500, currency: 'USD' },
        paymentMethod: { token: await token() },
        ...body,
      };
      return post('/api/v1/payments', full, key);
    },
    post,
    async close() {
      await svc.close();
      await simulator.close();
    },
  };
}

/** GET as an admin. */
export function read(svc: Svc, path: string): Promise<Reply> {
  return callAs(svc, 'GET', path, { as: TEST_ADMIN });
}

/** Authorizes and asserts the status. */
export async function authorized(h: PaymentHarness, body: Record<string, unknown> = {}) {
  const res = await h.authorize(body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.status, 'authorized', JSON.stringify(res.body));
  return res.body;
}

/** Authorizes and captures (all, or `amount`). */
export async function captured(h: PaymentHarness, amount = 2500, body: Record<string, unknown> = {}) {
  const p = await authorized(h, { amount: { amount, currency: 'USD' }, ...body });
  const res = await h.post(`/api/v1/payments/${p.id}/capture`, {});
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

/** Events of a type for one payment (after a relay flush), their data read as any. */
export async function eventsFor(
  svc: Svc,
  type: string,
  subject: string,
): Promise<Array<EventEnvelope<Body>>> {
  return (await kitEventsFor(svc, type, subject)) as Array<EventEnvelope<Body>>;
}
