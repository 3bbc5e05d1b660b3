// The order tests use the shared component-test helpers; the saga acts as a service principal.
import type { EventEnvelope } from '@mercato/contracts';
import { newId } from '@mercato/platform/ids';
import {
  callAs,
  eventsFor as kitEventsFor,
  type Body,
  type MintOptions,
  type Reply,
  type TestService,
} from '@mercato/testing';
import assert from 'node:assert/strict';
import type { OrderDB } from '../src/db.ts';
import type { OrderParts } from '../src/service.ts';

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
