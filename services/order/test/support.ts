// The order tests use the shared component-test helpers; the saga acts as a service principal.
import { settingsApi, type EventEnvelope } from '@mercato/contracts';
import { CommonErrors } from '@mercato/platform/errors';
import { contractRoute, createApp } from '@mercato/platform/http';
import { newId } from '@mercato/platform/ids';
import { createMetrics } from '@mercato/platform/metrics';
import {
  callAs,
  captureLogger,
  manualClock,
  startTestService,
  type DbKind,
  type ManualClock,
  eventsFor as kitEventsFor,
  type Body,
  type MintOptions,
  type Reply,
  type TestService,
} from '@mercato/testing';
import assert from 'node:assert/strict';
import type { OrderDB } from '../src/db.ts';
import { orderRepository } from '../src/orders/order-repository.ts';
import { applyTransition } from '../src/orders/order-transitions.ts';
import { orderService, type OrderParts } from '../src/service.ts';
import { startPaymentStandIn, type PaymentStandIn } from './payment-stand-in.ts';

export { callAs as call, expectProblem, type Body, type Reply } from '@mercato/testing';

export type Svc = TestService<OrderDB, OrderParts>;

/** The checkout saga's client: a client-credentials token with orders:write. */
export const SAGA: MintOptions = {
  subject: 'checkout-service',
  kind: 'service',
  roles: [],
  permissions: ['orders:write', 'orders:read'],
  scope: 'orders:write orders:read',
};
export const ADMIN: MintOptions = { subject: '0190a000-0000-7000-8000-00000000ad01', roles: ['admin'] };
export const SUPPORT: MintOptions = { subject: '0190a000-0000-7000-8000-0000000005a1', roles: ['support'] };

/** A customer of their own. */
export function customer(): MintOptions & { subject: string } {
  return { subject: newId(), roles: ['customer'] };
}

/** A create body: two lines (one discounted, both taxed) and shipping; `over` replaces fields. */
export function orderBody(over: Record<string, unknown> = {}): Body {
  return {
    checkoutId: `chk-${newId()}`,
    email: 'buyer@example.com',
    currency: 'USD',
    lines: [
      {
        sku: 'OCT-M',
        title: 'Octopus tee, M',
        quantity: 2,
        unitPrice: { amount: 1500, currency: 'USD' },
        discounts: [{ code: 'TEN', description: '10% off', amount: 300 }],
        tax: { amount: 216, currency: 'USD' },
      },
      {
        sku: 'MUG-1',
        title: 'Mug',
        quantity: 1,
        unitPrice: { amount: 900, currency: 'USD' },
        tax: { amount: 72, currency: 'USD' },
      },
    ],
    shippingAddress: {
      name: 'Ada Buyer',
      line1: '1 Main St',
      city: 'Springfield',
      postalCode: '12345',
      country: 'US',
    },
    shippingMethod: { code: 'standard', name: 'Standard (3-5 days)', cost: { amount: 500, currency: 'USD' } },
    ...over,
  };
}
/** What orderBody() adds up to: 2×1500 − 300 + 216 + 900 + 72 + 500. */
export const BODY_TOTAL = 4388;

/** Creates an order as the saga; asserts 201. */
export async function createOrder(svc: Svc, over: Record<string, unknown> = {}): Promise<Body> {
  const res = await callAs(svc, 'POST', '/api/v1/orders', { body: orderBody(over), as: SAGA });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

/** A service-principal POST to one of the saga's order routes. */
export function sagaPost(svc: Svc, path: string, body: unknown = {}): Promise<Reply> {
  return callAs(svc, 'POST', path, { body, as: SAGA });
}

/** Staff move an order along fulfilment. */
export function moveTo(
  svc: Svc,
  id: string,
  to: string,
  extra: Record<string, unknown> = {},
  as: MintOptions = ADMIN,
): Promise<Reply> {
  return callAs(svc, 'POST', `/api/v1/orders/${id}/transitions`, { body: { to, ...extra }, as });
}

/** Events of a type for one subject (after a relay flush), their data read as any. */
export async function eventsFor(
  svc: Svc,
  type: string,
  subject: string,
): Promise<Array<EventEnvelope<Body>>> {
  return (await kitEventsFor(svc, type, subject)) as Array<EventEnvelope<Body>>;
}

/** Settings as order calls it (its getSetting contract), answering from a table the test fills. */
export interface SettingsStandIn {
  url: string;
  values: Map<string, unknown>;
  /** While true, every call answers 503 (settings is down). */
  down: boolean;
  close(): Promise<void>;
}

export async function startSettingsStandIn(): Promise<SettingsStandIn> {
  const { logger } = captureLogger('settings-stand-in');
  const app = await createApp({
    name: 'settings-stand-in',
    logger,
    metrics: createMetrics('stand_in'),
    openapiRoute: false,
  });
  const state = { values: new Map<string, unknown>(), down: false };
  app.route({
    ...contractRoute(settingsApi.getSetting),
    handler: async (request) => {
      if (state.down) throw CommonErrors.DEPENDENCY_UNAVAILABLE('stand-in is down');
      const { key } = request.params;
      if (!state.values.has(key)) throw CommonErrors.NOT_FOUND(`no setting ${key}`);
      const t = new Date().toISOString();
      return {
        key,
        description: null,
        value: state.values.get(key),
        schema: {},
        version: 1,
        createdAt: t,
        updatedAt: t,
        updatedBy: null,
      };
    },
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const standIn: SettingsStandIn = {
    url,
    values: state.values,
    get down() {
      return state.down;
    },
    set down(v: boolean) {
      state.down = v;
    },
    close: () => app.close(),
  };
  return standIn;
}

/** The order service on a fresh schema, with a settings stand-in and a clock the test moves. */
export async function startOrder(kind: DbKind): Promise<{
  svc: Svc;
  settings: SettingsStandIn;
  payment: PaymentStandIn;
  clock: ManualClock;
  close(): Promise<void>;
}> {
  const settings = await startSettingsStandIn();
  const clock = manualClock(Date.parse('2026-12-01T10:00:00Z'));
  const payment = await startPaymentStandIn(BODY_TOTAL);
  const svc = await startTestService(orderService, kind, {
    env: { SETTINGS_URL: settings.url, PAYMENT_URL: payment.url, ORDER_SETTINGS_TTL_MS: '0' },
    now: clock.now,
  });
  return {
    svc,
    settings,
    payment,
    clock,
    async close() {
      await svc.close();
      await settings.close();
      await payment.close();
    },
  };
}

/** Moves a confirmed order to paid as payment's capture does (the state machine's own path). */
export async function markPaid(svc: Svc, id: string): Promise<void> {
  await svc.runtime.ctx.database.transaction(async (trx) => {
    const row = await orderRepository.find(trx, id, { forUpdate: true });
    await applyTransition(trx, svc.runtime.ctx.outbox, row!, 'paid', {
      actor: 'payment',
      reason: 'captured',
    });
  });
}

/** An order of `as` (a customer) taken all the way to delivered. */
export async function deliveredOrder(svc: Svc, over: Record<string, unknown> = {}): Promise<Body> {
  const o = await createOrder(svc, over);
  await sagaPost(svc, `/api/v1/orders/${o.id}/confirm`, { paymentId: `pay-${o.id}` });
  await markPaid(svc, o.id);
  assert.equal((await moveTo(svc, o.id, 'shipped')).status, 200);
  const res = await moveTo(svc, o.id, 'delivered');
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}
