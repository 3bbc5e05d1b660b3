// The inventory tests use the shared component-test helpers: writes go as an admin by default.
import type { EventEnvelope } from '@mercato/contracts';
import { buildService, type ServiceRuntime } from '@mercato/platform/service';
import { newId } from '@mercato/platform/ids';
import {
  callAs,
  captureLogger,
  eventsFor as kitEventsFor,
  testAuth,
  testEvent,
  testTarget,
  type Body,
  type DbKind,
  type Reply,
  type TestService,
} from '@mercato/testing';
import assert from 'node:assert/strict';
import type { InventoryDB } from '../src/db.ts';
import { inventoryService } from '../src/service.ts';

export { callAs as call, expectProblem, TEST_ADMIN as ADMIN, type Body, type Reply } from '@mercato/testing';

export type Svc = TestService<InventoryDB>;

/** Events of a type for one subject (after a relay flush), their data read as any. */
export async function eventsFor(
  svc: Svc,
  type: string,
  subject: string,
): Promise<Array<EventEnvelope<Body>>> {
  return (await kitEventsFor(svc, type, subject)) as Array<EventEnvelope<Body>>;
}

/** Creates a warehouse; `over` replaces fields. */
export async function warehouse(
  svc: Svc,
  code: string,
  priority: number,
  over: Record<string, unknown> = {},
): Promise<Body> {
  const res = await callAs(svc, 'POST', '/api/v1/inventory/warehouses', {
    body: { code, name: `Warehouse ${code}`, priority, ...over },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

/** An adjustment (restock, count, damage, loss) that must succeed. */
export async function adjust(
  svc: Svc,
  sku: string,
  warehouseCode: string,
  kind: 'restock' | 'count' | 'damage' | 'loss',
  quantity: number,
): Promise<Body> {
  const res = await callAs(svc, 'POST', '/api/v1/inventory/adjustments', {
    body: { sku, warehouseCode, kind, quantity },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

export const restock = (svc: Svc, sku: string, warehouseCode: string, quantity: number) =>
  adjust(svc, sku, warehouseCode, 'restock', quantity);

/** POST /reservations with a fresh (or the given) Idempotency-Key. */
export function reserve(
  svc: Svc,
  lines: Array<{ sku: string; quantity: number }>,
  opts: { reference?: string; ttlSeconds?: number; key?: string } = {},
): Promise<Reply> {
  return callAs(svc, 'POST', '/api/v1/inventory/reservations', {
    body: {
      reference: opts.reference ?? `checkout-${newId()}`,
      lines,
      ...(opts.ttlSeconds === undefined ? {} : { ttlSeconds: opts.ttlSeconds }),
    },
    headers: { 'idempotency-key': opts.key ?? newId() },
  });
}

/** GET /sku/:sku as an admin. */
export async function stockOf(svc: Svc, sku: string): Promise<Body> {
  const res = await callAs(svc, 'GET', `/api/v1/inventory/sku/${sku}`, { as: { roles: ['admin'] } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

/** A unique SKU for one test. */
export function sku(prefix = 'SKU'): string {
  return `${prefix}-${newId().slice(-12)}`;
}

/** Publishes a catalog event on the service's bus, as catalog's relay would. */
export async function publishCatalogEvent(
  svc: Svc,
  type: string,
  subject: string,
  data: unknown,
): Promise<EventEnvelope> {
  const event = testEvent(type, subject, data, { source: 'catalog' });
  await svc.bus.publish(event);
  return event;
}

/**
 * A second runtime of the inventory service on the same database and schema as svc: a
 * replica, as two pods of one deployment. It publishes on svc's bus, so svc.published
 * records the events of both.
 */
export async function startReplica(
  svc: Svc,
  kind: DbKind,
  opts: { now?: () => number } = {},
): Promise<ServiceRuntime<InventoryDB>> {
  const { logger } = captureLogger('inventory-replica');
  const runtime = await buildService(inventoryService, {
    ...(opts.now && { now: opts.now }),
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

/** Sum of the ledger's deltas per warehouse code for one SKU, read through the API. */
export async function ledgerSums(svc: Svc, forSku: string): Promise<Record<string, number>> {
  const sums: Record<string, number> = {};
  for (let page = 1; ; page++) {
    const res = await callAs(
      svc,
      'GET',
      `/api/v1/inventory/movements?sku=${forSku}&pageSize=100&page=${page}`,
      {
        as: { roles: ['admin'] },
      },
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    for (const m of res.body.items as Array<{ warehouseCode: string; delta: number }>) {
      sums[m.warehouseCode] = (sums[m.warehouseCode] ?? 0) + m.delta;
    }
    if (page >= res.body.totalPages) return sums;
  }
}
