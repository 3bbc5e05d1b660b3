// The discount tests use the shared component-test helpers: writes go as an admin by default.
import type { EventEnvelope } from '@mercato/contracts';
import { newId } from '@mercato/platform/ids';
import { buildService, type ServiceRuntime } from '@mercato/platform/service';
import {
  callAs,
  captureLogger,
  eventsFor as kitEventsFor,
  testAuth,
  testTarget,
  type Body,
  type DbKind,
  type MintOptions,
  type TestService,
} from '@mercato/testing';
import assert from 'node:assert/strict';
import type { DiscountDB } from '../src/db.ts';
import { discountService } from '../src/service.ts';

export { callAs as call, expectProblem, TEST_ADMIN as ADMIN, type Body, type Reply } from '@mercato/testing';

export type Parts = Awaited<ReturnType<NonNullable<(typeof discountService)['setup']>>>;
export type Svc = TestService<DiscountDB, Parts>;

export const PRODUCT = '0193a1b2-7c4d-7e8f-9a0b-000000000001';
export const OTHER_PRODUCT = '0193a1b2-7c4d-7e8f-9a0b-000000000002';

/** Events of a type for one subject (after a relay flush), their data read as any. */
export async function eventsFor(
  svc: Svc,
  type: string,
  subject: string,
): Promise<Array<EventEnvelope<Body>>> {
  return (await kitEventsFor(svc, type, subject)) as Array<EventEnvelope<Body>>;
}

/** Creates a promotion as an admin; `over` sets or replaces fields. */
export async function promotion(svc: Svc, over: Record<string, unknown> = {}): Promise<Body> {
  const res = await callAs(svc, 'POST', '/api/v1/discounts/promotions', {
    body: {
      name: `Promo ${newId().slice(-6)}`,
      kind: 'percentage',
      trigger: 'automatic',
      percentOff: 10,
      ...over,
    },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

/** Adds a single code to a promotion. */
export async function code(svc: Svc, promotionId: string, text: string, usageLimit?: number): Promise<Body> {
  const res = await callAs(svc, 'POST', `/api/v1/discounts/promotions/${promotionId}/codes`, {
    body: { code: text, ...(usageLimit === undefined ? {} : { usageLimit }) },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

/** A code unique to one test. */
export function uniqueCode(prefix = 'T'): string {
  return `${prefix}${newId().replace(/-/g, '').slice(-10).toUpperCase()}`;
}

/** A cart line; `over` replaces fields. */
export function line(unitPrice: number, quantity: number, over: Record<string, unknown> = {}): Body {
  return {
    sku: `SKU-${unitPrice}`,
    productId: PRODUCT,
    categoryIds: [],
    brandId: null,
    unitPrice,
    quantity,
    ...over,
  };
}

export function evaluate(svc: Svc, body: Record<string, unknown>, as?: MintOptions | 'anonymous') {
  return callAs(svc, 'POST', '/api/v1/discounts/evaluate', {
    body: { currency: 'USD', codes: [], ...body },
    as: as ?? 'anonymous',
  });
}

export function reserve(svc: Svc, body: Record<string, unknown>) {
  return callAs(svc, 'POST', '/api/v1/discounts/redemptions', {
    body: { checkoutId: newId(), currency: 'USD', codes: [], ...body },
  });
}

/**
 * A second runtime of the discount service on the same database and schema as svc: a
 * replica, as two pods of one deployment. It publishes on svc's bus.
 */
export async function startReplica(svc: Svc, kind: DbKind): Promise<ServiceRuntime<DiscountDB, Parts>> {
  const { logger } = captureLogger('discount-replica');
  const runtime = await buildService(discountService, {
    database: await testTarget(kind),
    mode: 'embedded',
    auth: (await testAuth()).verifier,
    schema: svc.runtime.ctx.database.schema,
    bus: svc.bus,
    cache: svc.cache,
    logger,
    retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
    relay: { pollMs: 20 },
  });
  await runtime.start();
  return runtime;
}
