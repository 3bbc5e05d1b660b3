import type { EventEnvelope } from '@mercato/contracts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { envelopeTextOpenAt } from './outbox.ts';

const base: EventEnvelope = {
  id: '01a21141-495e-77b6-9000-000000000001',
  type: 'inventory.reserved',
  version: 1,
  source: 'inventory',
  time: '2026-11-25T06:00:00.000Z',
  subject: 'r-1',
  correlationId: 'c-1',
  data: { reservationId: 'r-1', lines: [{ sku: 'A "quoted" \\ sku', quantity: 2 }] },
  causationId: 'e-0',
};

test('an envelope cut open at a data field becomes the whole envelope once the value and "}}" follow', () => {
  const allocations = [{ sku: 'A', warehouseCode: 'MAIN', quantity: 2 }];
  const text = envelopeTextOpenAt(base, 'allocations') + JSON.stringify(allocations) + '}}';
  assert.deepEqual(JSON.parse(text), { ...base, data: { ...(base.data as object), allocations } });
});

test('an envelope with empty data still closes into valid JSON', () => {
  const text = envelopeTextOpenAt({ ...base, data: {} }, 'allocations') + '[]}}';
  assert.deepEqual(JSON.parse(text), { ...base, data: { allocations: [] } });
});
