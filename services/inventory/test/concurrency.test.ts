// Races on real PostgreSQL (PGlite runs one statement at a time, so it cannot race).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { needs, startTestService, type Reply } from '@mercato/testing';
import { type ServiceRuntime } from '@mercato/platform/service';
import { newId } from '@mercato/platform/ids';
import type { InventoryDB } from '../src/db.ts';
import { inventoryService } from '../src/service.ts';
import {
  call,
  ledgerSums,
  reserve,
  restock,
  sku,
  startReplica,
  stockOf,
  warehouse,
  type Svc,
} from './support.ts';

describe('inventory under concurrency (pg)', await needs('postgres'), () => {
  let svc: Svc;
  let replica: ServiceRuntime<InventoryDB>;
  before(async () => {
    // Three batches sent at once on the first process's pipelined connection (the default is
    // two), two in the replica's: the batches of one process queue at the server, those of the
    // two processes race.
    process.env.INVENTORY_RESERVE_BATCHES_IN_FLIGHT = '3';
    try {
      svc = await startTestService(inventoryService, 'pg');
    } finally {
      delete process.env.INVENTORY_RESERVE_BATCHES_IN_FLIGHT;
    }
    replica = await startReplica(svc, 'pg');
    await warehouse(svc, 'MAIN', 1);
    await warehouse(svc, 'EAST', 2);
  });
  after(async () => {
    await replica?.close();
    await svc?.close();
  });

  /** Held quantity per SKU according to the reservations (what the levels' reserved must equal). */
  async function heldBy(reference: string): Promise<Map<string, number>> {
    const held = new Map<string, number>();
    for (let page = 1; ; page++) {
      const res = await call(
        svc,
        'GET',
        `/api/v1/inventory/reservations?reference=${reference}&pageSize=100&page=${page}`,
        {
          as: { roles: ['admin'] },
        },
      );
      for (const r of res.body.items) {
        for (const l of r.lines) {
          // All lines or nothing: every stored reservation holds each of its lines in full.
          assert.equal(l.held, l.quantity, `reservation ${r.id} holds ${l.sku} in full`);
          held.set(l.sku, (held.get(l.sku) ?? 0) + l.held);
        }
      }
      if (page >= res.body.totalPages) return held;
    }
  }

  const count = (replies: Reply[], status: number) => replies.filter((r) => r.status === status).length;

  test('200 concurrent one-unit reservations of a SKU with 50 available: exactly 50 succeed, 150 are 409', async () => {
    const a = sku('HOT');
    await restock(svc, a, 'MAIN', 30);
    await restock(svc, a, 'EAST', 20);
    const reference = `race-${newId()}`;
    const replies = await Promise.all(
      Array.from({ length: 200 }, () => reserve(svc, [{ sku: a, quantity: 1 }], { reference })),
    );
    assert.equal(count(replies, 201), 50, JSON.stringify(replies.find((r) => r.status >= 500)?.body));
    assert.equal(count(replies, 409), 150);
    const stock = await stockOf(svc, a);
    assert.deepEqual([stock.onHand, stock.reserved, stock.available], [50, 50, 0]);
    assert.equal((await heldBy(reference)).get(a), 50);
    assert.deepEqual(await ledgerSums(svc, a), { MAIN: 30, EAST: 20 });
  });

  test('concurrent duplicates with one Idempotency-Key (both replicas) hold the stock once and all answer the same', async () => {
    const a = sku('DUP');
    await restock(svc, a, 'MAIN', 10);
    const key = `dup-${a}`;
    const viaReplica = { runtime: replica } as unknown as Svc;
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        reserve(i % 2 === 0 ? svc : viaReplica, [{ sku: a, quantity: 3 }], { key, reference: `dup-${a}` }),
      ),
    );
    assert.equal(count(replies, 201), 40, JSON.stringify(replies.find((r) => r.status !== 201)?.body));
    assert.equal(new Set(replies.map((r) => r.body.id)).size, 1);
    assert.equal(replies.filter((r) => r.headers['idempotent-replayed'] !== 'true').length, 1);
    for (const r of replies) assert.deepEqual(r.body, replies[0]!.body);
    const stock = await stockOf(svc, a);
    assert.deepEqual([stock.reserved, stock.available], [3, 7]);
    assert.equal((await heldBy(`dup-${a}`)).get(a), 3);
  });

  test('concurrent duplicates of a short request with one key: one refusal, replayed to all', async () => {
    const a = sku('DUPSHORT');
    await restock(svc, a, 'MAIN', 2);
    const key = `dupshort-${a}`;
    const replies = await Promise.all(
      Array.from({ length: 20 }, () => reserve(svc, [{ sku: a, quantity: 3 }], { key, reference: key })),
    );
    assert.equal(count(replies, 409), 20, JSON.stringify(replies.find((r) => r.status !== 409)));
    assert.equal(replies.filter((r) => r.headers['idempotent-replayed'] !== 'true').length, 1);
    for (const r of replies) assert.deepEqual(r.body, replies[0]!.body);
    assert.equal((await stockOf(svc, a)).reserved, 0);
  });

  test('two replicas driven at once give the same result: exactly 50 of 200', async () => {
    const a = sku('HOT2');
    await restock(svc, a, 'MAIN', 50);
    const reference = `replicas-${newId()}`;
    // The same helper through the replica's app: a second pod behind the same load balancer.
    const viaReplica = { runtime: replica } as unknown as Svc;
    const replies = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        reserve(i % 2 === 0 ? svc : viaReplica, [{ sku: a, quantity: 1 }], { reference }),
      ),
    );
    assert.equal(count(replies, 201), 50);
    assert.equal(count(replies, 409), 150);
    assert.equal((await stockOf(svc, a)).available, 0);
    assert.equal((await heldBy(reference)).get(a), 50);
  });

  test('multi-line reservations racing over overlapping SKUs in opposite orders (two replicas) never deadlock nor hold part of one', async () => {
    const skus = [sku('A'), sku('B'), sku('C')];
    for (const s of skus) {
      await restock(svc, s, 'MAIN', 25);
      await restock(svc, s, 'EAST', 15);
    }
    const [a, b, c] = skus as [string, string, string];
    const shapes = [
      [a, b],
      [b, a],
      [b, c],
      [c, a, b],
      [a, c],
    ];
    const reference = `overlap-${newId()}`;
    const viaReplica = { runtime: replica } as unknown as Svc;
    const replies = await Promise.all(
      Array.from({ length: 150 }, (_, i) => {
        const shape = shapes[i % shapes.length] as string[];
        return reserve(
          i % 2 === 0 ? svc : viaReplica,
          shape.map((s, j) => ({ sku: s, quantity: 1 + ((i + j) % 3) })),
          { reference },
        );
      }),
    );
    const failed = replies.filter((r) => r.status !== 201 && r.status !== 409);
    assert.deepEqual(
      failed.map((r) => r.body),
      [],
      'no deadlock or other error',
    );
    assert.ok(count(replies, 201) > 10, `${count(replies, 201)} succeeded`);
    assert.ok(count(replies, 409) > 0, 'the stock ran out for some');
    const held = await heldBy(reference);
    for (const s of skus) {
      const stock = await stockOf(svc, s);
      assert.equal(stock.reserved, held.get(s) ?? 0, `reserved of ${s} equals what the reservations hold`);
      assert.ok(stock.available >= 0);
      assert.equal(stock.onHand, 40);
    }
  });

  test('commits, releases and adjustments racing on the same SKU keep the ledger equal to on hand', async () => {
    const a = sku('MIX');
    await restock(svc, a, 'MAIN', 100);
    const made = await Promise.all(Array.from({ length: 40 }, () => reserve(svc, [{ sku: a, quantity: 2 }])));
    const ids = made.map((r) => r.body.id as string);
    await Promise.all([
      ...ids.map((id, i) =>
        call(svc, 'POST', `/api/v1/inventory/reservations/${id}/${i % 2 ? 'commit' : 'release'}`, {
          body: i % 2 ? undefined : {},
        }),
      ),
      ...Array.from({ length: 10 }, () =>
        call(svc, 'POST', '/api/v1/inventory/adjustments', {
          body: { sku: a, warehouseCode: 'MAIN', kind: 'restock', quantity: 1 },
        }),
      ),
      ...Array.from({ length: 5 }, () =>
        call(svc, 'POST', '/api/v1/inventory/transfers', {
          body: { sku: a, fromWarehouseCode: 'MAIN', toWarehouseCode: 'EAST', quantity: 1 },
        }),
      ),
    ]);
    const stock = await stockOf(svc, a);
    // 100 + 10 restocked - 20 reservations × 2 committed; nothing left reserved.
    assert.deepEqual([stock.onHand, stock.reserved], [70, 0]);
    assert.deepEqual(await ledgerSums(svc, a), { MAIN: 65, EAST: 5 });
  });
});
