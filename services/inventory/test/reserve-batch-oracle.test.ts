// reserve_batch against its oracle: random warehouses, levels and batches (a seeded PRNG)
// go through the database function and through allocation-oracle.ts, and every outcome
// must agree — accepted or refused per reservation, allocations, shortages, replays, the
// resulting levels, allocation and refusal rows, events and stock marks. A failure names
// its seed: RESERVE_BATCH_ORACLE_SEED=<seed> replays the same run.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  createDatabase,
  loadMigrations,
  migrate,
  pgErrorCode,
  platformMigrations,
  sql,
  type Database,
  type DatabaseTarget,
} from '@mercato/platform/db';
import { createOutbox } from '@mercato/platform/messaging';
import { closeTestPglite, dropSchema, needs, testTarget, uniqueSchema } from '@mercato/testing';
import type { InventoryDB } from '../src/db.ts';
import { reservationRepository, type ReserveOutcome } from '../src/reservations/reservation-repository.ts';
import {
  keyKey,
  levelKey,
  planBatch,
  type OracleCommand,
  type OracleLevel,
  type OracleOutcome,
  type OracleState,
} from './allocation-oracle.ts';

const SCENARIOS = 30;
const BATCHES = 5;
const seed = Number(process.env.RESERVE_BATCH_ORACLE_SEED ?? randomInt(2 ** 31));

/** A seeded PRNG (mulberry32): the same seed gives the same run. */
function prng(start: number) {
  let s = start >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
  return {
    int,
    chance: (p: number): boolean => next() < p,
    pick: <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)]!,
    // Random, yet the same for a seed: warehouse ids decide priority ties.
    uuid: (): string => {
      const hex = Array.from({ length: 32 }, () => int(0, 15).toString(16)).join('');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    },
  };
}
type Rng = ReturnType<typeof prng>;

/** A scenario's warehouses, SKUs and levels, written to the database and kept by the oracle. */
async function seedScenario(database: Database<InventoryDB>, rng: Rng, n: number): Promise<OracleState> {
  const state: OracleState = { warehouses: new Map(), items: new Map(), levels: new Map(), keys: new Map() };
  const warehouses = rng.int(1, 4);
  for (let w = 0; w < warehouses; w++) {
    const warehouse = {
      id: rng.uuid(),
      code: `S${n}-W${w}`,
      priority: rng.int(1, 3),
      active: rng.chance(0.85),
      threshold: rng.int(0, 5),
    };
    state.warehouses.set(warehouse.id, warehouse);
  }
  const items = rng.int(1, 5);
  for (let i = 0; i < items; i++) {
    const item = {
      sku: `S${n}-SKU${i}`,
      active: rng.chance(0.92),
      threshold: rng.chance(0.5) ? null : rng.int(0, 5),
    };
    state.items.set(item.sku, item);
    for (const w of state.warehouses.values()) {
      if (!rng.chance(0.8)) continue;
      const onHand = rng.int(0, 20);
      state.levels.set(levelKey(item.sku, w.id), {
        sku: item.sku,
        warehouseId: w.id,
        onHand,
        reserved: rng.int(0, Math.floor(onHand / 2)),
      });
    }
  }
  await database.db
    .insertInto('warehouses')
    .values(
      [...state.warehouses.values()].map((w) => ({
        id: w.id,
        code: w.code,
        name: w.code,
        priority: w.priority,
        active: w.active,
        low_stock_threshold: w.threshold,
      })),
    )
    .execute();
  await database.db
    .insertInto('stock_items')
    .values(
      [...state.items.values()].map((i) => ({
        sku: i.sku,
        active: i.active,
        low_stock_threshold: i.threshold,
      })),
    )
    .execute();
  if (state.levels.size > 0) {
    await database.db
      .insertInto('stock_levels')
      .values(
        [...state.levels.values()].map((l) => ({
          sku: l.sku,
          warehouse_id: l.warehouseId,
          on_hand: l.onHand,
          reserved: l.reserved,
        })),
      )
      .execute();
  }
  return state;
}

/**
 * A batch as the batcher would send it, with, now and then, a key used before (the same
 * request: a replay; another one: a mismatch), a SKU the inventory does not know, and a new
 * key twice (which the batcher never sends: the function must refuse the whole batch).
 */
function randomBatch(rng: Rng, state: OracleState, n: number, history: OracleCommand[]): OracleCommand[] {
  const skus = [...state.items.keys(), `S${n}-UNKNOWN`];
  const scope = `POST /reservations S${n}`;
  const batch: OracleCommand[] = [];
  const size = rng.int(1, 8);
  for (let c = 0; c < size; c++) {
    const fresh = { id: rng.uuid(), correlationId: rng.uuid() };
    if (history.length > 0 && rng.chance(0.15)) {
      const used = rng.pick(history);
      batch.push({
        ...used,
        ...fresh,
        fingerprint: rng.chance(0.6) ? used.fingerprint : `other-${rng.uuid()}`,
      });
      continue;
    }
    const pool = skus.filter((s) => !s.endsWith('UNKNOWN') || rng.chance(0.1));
    const lines = Array.from({ length: Math.min(rng.pick([1, 1, 1, 2, 2, 3]), pool.length) }, () => {
      const sku = pool.splice(rng.int(0, pool.length - 1), 1)[0]!;
      return { sku, quantity: rng.int(1, 5) };
    });
    batch.push({ ...fresh, scope, key: rng.uuid(), fingerprint: rng.uuid(), lines });
  }
  if (batch.length > 1 && rng.chance(0.08)) {
    const a = rng.int(0, batch.length - 1);
    const b = (a + rng.int(1, batch.length - 1)) % batch.length;
    batch[b] = { ...batch[b]!, scope: batch[a]!.scope, key: batch[a]!.key };
  }
  return batch;
}

/** The function's answer in the oracle's terms (allocations without warehouse ids). */
function comparable(o: ReserveOutcome | OracleOutcome) {
  if (o.outcome !== 'created') return o;
  return {
    outcome: o.outcome,
    allocations: o.allocations.map((a) => ({
      lineNo: a.lineNo,
      sku: a.sku,
      warehouseCode: a.warehouseCode,
      quantity: a.quantity,
    })),
  };
}

/** The fields of the events' data the comparison reads (inventory.reserved, inventory.low_stock). */
interface EventData {
  reservationId?: string;
  allocations?: unknown;
  sku?: string;
  warehouseCode?: string;
}

interface Tally {
  created: number;
  refused: number;
  replay: number;
  mismatch: number;
  conflict: number;
  split: number;
  lowStock: number;
}

/** Runs one batch through the function and the oracle and compares everything it changed. */
async function compareBatch(
  database: Database<InventoryDB>,
  schema: string,
  state: OracleState,
  batch: OracleCommand[],
  tally: Tally,
): Promise<void> {
  const t = (name: string) => sql.id(schema, name);
  await sql`delete from ${t('outbox')}`.execute(database.db);
  await sql`delete from ${t('stock_signals')}`.execute(database.db);
  const outbox = createOutbox({ source: 'inventory', schema });
  const commands = batch.map((c) => ({
    id: c.id,
    reference: `ref-${c.key}`,
    expiresAt: '2030-01-01T00:00:00.000Z',
    actor: 'oracle',
    idempotency: { scope: c.scope, key: c.key, fingerprint: c.fingerprint },
    lines: c.lines,
    context: { correlationId: c.correlationId },
  }));
  const envelopes = outbox.envelopes(
    commands.map((c) => ({
      type: 'inventory.reserved' as const,
      subject: c.id,
      // As the batcher sends it: reserve_batch writes the allocations.
      data: {
        reservationId: c.id,
        reference: c.reference,
        expiresAt: c.expiresAt,
        lines: c.lines,
        allocations: [],
      },
      context: c.context,
    })),
  );
  const expected = planBatch(state, batch);
  const skus = [...state.items.keys()];

  if (expected.conflict) {
    tally.conflict++;
    await assert.rejects(
      reservationRepository.reserveBatch(database.db, schema, commands, envelopes),
      (err) => {
        assert.equal(pgErrorCode(err), 'MC409');
        return true;
      },
    );
  } else {
    const got = await reservationRepository.reserveBatch(database.db, schema, commands, envelopes);
    assert.deepEqual(got.map(comparable), expected.outcomes.map(comparable), 'outcomes');
    for (const o of expected.outcomes) {
      tally[o.outcome]++;
      if (o.outcome === 'created') {
        const lines = o.allocations.map((a) => a.lineNo);
        tally.split += lines.length - new Set(lines).size;
      }
    }
    tally.lowStock += expected.lowStock.length;
  }

  // The levels, every row of the scenario.
  const levels = await sql<{ sku: string; warehouseId: string; onHand: number; reserved: number }>`
    select sku, warehouse_id as "warehouseId", on_hand as "onHand", reserved from ${t('stock_levels')}
    where sku = any(${skus}::text[]) order by sku, warehouse_id`.execute(database.db);
  const mine = [...state.levels.values()]
    .map((l: OracleLevel) => ({ ...l }))
    .sort((a, b) => (a.sku + a.warehouseId < b.sku + b.warehouseId ? -1 : 1));
  assert.deepEqual(levels.rows, mine, 'levels');
  if (expected.conflict) {
    const events = await sql<{ n: number }>`select count(*)::int as n from ${t('outbox')}`.execute(
      database.db,
    );
    assert.equal(events.rows[0]?.n, 0, 'a refused batch wrote no event');
    return;
  }

  // The allocation rows and reservations of the held commands; the refusals stored.
  const held = batch.filter((_, i) => expected.outcomes[i]!.outcome === 'created');
  const rows = await sql<{ id: string; lineNo: number; warehouseId: string; quantity: number; held: number }>`
    select a.reservation_id as id, a.line_no as "lineNo", a.warehouse_id as "warehouseId", a.quantity, a.held
    from ${t('reservation_allocations')} a where a.reservation_id = any(${batch.map((c) => c.id)}::uuid[])
    order by a.reservation_id, a.line_no, a.warehouse_id`.execute(database.db);
  const allocations = batch
    .flatMap((c, i) => {
      const o = expected.outcomes[i]!;
      return o.outcome === 'created'
        ? o.allocations.map((a) => ({
            id: c.id,
            lineNo: a.lineNo,
            warehouseId: a.warehouseId,
            quantity: a.quantity,
            held: a.quantity,
          }))
        : [];
    })
    .sort((a, b) => (a.id + a.lineNo + a.warehouseId < b.id + b.lineNo + b.warehouseId ? -1 : 1));
  assert.deepEqual(rows.rows, allocations, 'allocation rows');
  const reservations = await sql<{ id: string; key: string; hash: string; status: string }>`
    select id, idem_key as key, idem_hash as hash, status from ${t('reservations')}
    where id = any(${batch.map((c) => c.id)}::uuid[]) order by id`.execute(database.db);
  assert.deepEqual(
    reservations.rows,
    held
      .map((c) => ({ id: c.id, key: c.key, hash: c.fingerprint, status: 'held' }))
      .sort((a, b) => (a.id < b.id ? -1 : 1)),
    'reservation rows',
  );
  const refusedNow = batch.filter((_, i) => expected.outcomes[i]!.outcome === 'refused');
  const refusals = await sql<{ key: string; hash: string; correlationId: string; shortages: unknown }>`
    select key, request_hash as hash, correlation_id as "correlationId", shortages
    from ${t('reservation_refusals')} where key = any(${refusedNow.map((c) => c.key)}::text[]) order by key`.execute(
    database.db,
  );
  assert.deepEqual(
    refusals.rows,
    refusedNow
      .map((c) => {
        const r = state.keys.get(keyKey(c.scope, c.key));
        assert.ok(r?.kind === 'refusal');
        return { key: c.key, hash: c.fingerprint, correlationId: c.correlationId, shortages: r.shortages };
      })
      .sort((a, b) => (a.key < b.key ? -1 : 1)),
    'refusal rows',
  );

  // Events: inventory.reserved per held command with its allocations and correlation;
  // inventory.low_stock per crossing, in the context of the command that caused it.
  const events = await sql<{
    type: string;
    envelope: { correlationId: string; data: EventData };
  }>`
    select type, envelope from ${t('outbox')}`.execute(database.db);
  const byId = (a: { id?: string }, b: { id?: string }) => (String(a.id) < String(b.id) ? -1 : 1);
  const reserved = events.rows
    .filter((e) => e.type === 'inventory.reserved')
    .map((e) => ({
      id: e.envelope.data.reservationId,
      correlationId: e.envelope.correlationId,
      allocations: e.envelope.data.allocations,
    }))
    .sort(byId);
  assert.deepEqual(
    reserved,
    batch
      .flatMap((c, i) => {
        const o = expected.outcomes[i]!;
        if (o.outcome !== 'created') return [];
        const allocations = o.allocations.map((a) => ({
          sku: a.sku,
          warehouseCode: a.warehouseCode,
          quantity: a.quantity,
        }));
        return [{ id: c.id, correlationId: c.correlationId, allocations }];
      })
      .sort(byId),
    'inventory.reserved events',
  );
  const byRow = (a: EventData, b: EventData) =>
    `${a.sku}/${a.warehouseCode}` < `${b.sku}/${b.warehouseCode}` ? -1 : 1;
  const low = events.rows
    .filter((e) => e.type === 'inventory.low_stock')
    .map((e) => ({ ...e.envelope.data, correlationId: e.envelope.correlationId }))
    .sort(byRow);
  assert.deepEqual(
    low,
    expected.lowStock
      .map(({ cause, ...data }) => ({ ...data, correlationId: batch[cause]!.correlationId }))
      .sort(byRow),
    'inventory.low_stock events',
  );
  const marks = await sql<{ sku: string }>`
    select sku from ${t('stock_signals')} where dirty order by sku`.execute(database.db);
  assert.deepEqual(
    marks.rows.map((r) => r.sku),
    expected.moved,
    'stock marks',
  );
}

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(
    `reserve_batch against its TypeScript oracle (${kind})`,
    kind === 'pg' ? await needs('postgres') : {},
    () => {
      let target: DatabaseTarget;
      let database: Database<InventoryDB>;
      let upgraded: string[];
      const schema = uniqueSchema('inv_oracle');

      before(async () => {
        target = await testTarget(kind);
        database = createDatabase<InventoryDB>(target, schema);
        // Migrated as a database that existed before the repeatable files did, then upgraded.
        const all = [
          ...(await platformMigrations()),
          ...(await loadMigrations(new URL('../migrations/', import.meta.url))),
        ];
        await migrate(
          database,
          all.filter((m) => !m.repeatable),
        );
        upgraded = await migrate(database, all);
      });
      after(async () => {
        await database?.close();
        if (target) await dropSchema(target, schema);
      });

      test('a database migrated through 0006 takes the repeatable files on its next start, and only them', () => {
        assert.deepEqual(upgraded, ['repeatable/low_stock', 'repeatable/reserve_batch']);
      });

      test(`random batches: the function and the oracle agree on every outcome, level, row and event (seed ${seed})`, async (t) => {
        const rng = prng(seed);
        const tally: Tally = {
          created: 0,
          refused: 0,
          replay: 0,
          mismatch: 0,
          conflict: 0,
          split: 0,
          lowStock: 0,
        };
        for (let n = 0; n < SCENARIOS; n++) {
          const state = await seedScenario(database, rng, n);
          const history: OracleCommand[] = [];
          for (let b = 0; b < BATCHES; b++) {
            const batch = randomBatch(rng, state, n, history);
            try {
              await compareBatch(database, schema, state, batch, tally);
            } catch (err) {
              throw new Error(
                `reserve_batch and the oracle differ at scenario ${n}, batch ${b}: ` +
                  `rerun with RESERVE_BATCH_ORACLE_SEED=${seed}\n${err instanceof Error ? err.message : String(err)}`,
                { cause: err },
              );
            }
            history.push(...batch);
          }
        }
        t.diagnostic(`seed ${seed}: ${JSON.stringify(tally)}`);
        // The run went through every kind of outcome, or it proved little.
        for (const [k, v] of Object.entries(tally)) assert.ok(v > 0, `no ${k} in the run (seed ${seed})`);
      });
    },
  );
}
