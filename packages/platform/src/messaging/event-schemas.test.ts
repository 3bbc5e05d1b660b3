// Events are typed end to end: the outbox refuses data that does not match its type's
// registered schema (nothing is written), and a consumer parks a malformed event it receives
// as a dead letter at once, naming the field, instead of handing it to a handler.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EventEnvelope } from '@mercato/contracts';
import { captureLogger, closeTestPglite } from '@mercato/testing';
import { sql } from 'kysely';
import { newId } from '../ids/index.ts';
import { createConsumer } from './consumer.ts';
import { checkEventData, EventSchemaError } from './event-schemas.ts';
import { subscriptionSpec } from './event-subscription.ts';
import {
  kitDatabase,
  outboxCount,
  suiteOptions,
  type EffectsDB,
  type KitFixture,
} from './fixtures/harness.ts';
import { createMemoryBus } from './memory-bus.ts';
import { createOutbox } from './outbox.ts';

after(closeTestPglite);

const stockChanged = { sku: 'SKU-1', available: 3, onHand: 5, backorder: false };

function envelope(type: string, data: unknown, version = 1): EventEnvelope {
  return {
    id: newId(),
    type,
    version,
    source: 'inventory',
    time: new Date().toISOString(),
    subject: 'SKU-1',
    correlationId: newId(),
    data,
  };
}

function schemaError(fn: () => unknown): EventSchemaError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof EventSchemaError, String(err));
    return err;
  }
  assert.fail('expected an EventSchemaError');
}

describe('event data against the registry', () => {
  test('data matching its schema passes', () => {
    checkEventData('inventory.stock_changed', 1, stockChanged);
  });

  test('a wrong type, a missing field and a broken bound are each named by their path', () => {
    const err = schemaError(() =>
      checkEventData('inventory.stock_changed', 1, { sku: 42, available: -1, backorder: false }),
    );
    const paths = err.errors.map((e) => e.path).sort();
    assert.deepEqual(paths, ['/data/available', '/data/onHand', '/data/sku']);
    assert.match(err.message, /^inventory\.stock_changed v1: /);
    assert.match(err.message, /\/data\/onHand is required/);
  });

  test('a nested field is named down to its index', () => {
    const data = {
      reservationId: newId(),
      reference: 'c-1',
      expiresAt: new Date().toISOString(),
      lines: [
        { sku: 'A', quantity: 1 },
        { sku: 'B', quantity: '2' },
      ],
      allocations: [],
    };
    const err = schemaError(() => checkEventData('inventory.reserved', 1, data));
    assert.deepEqual(
      err.errors.map((e) => e.path),
      ['/data/lines/1/quantity'],
    );
  });

  test('an unregistered type or version is refused', () => {
    assert.equal(schemaError(() => checkEventData('order.exploded', 1, {})).errors[0]?.path, '/type');
    assert.equal(
      schemaError(() => checkEventData('inventory.stock_changed', 2, stockChanged)).errors[0]?.path,
      '/version',
    );
  });
});

for (const db of ['pglite', 'pg'] as const) {
  describe(`typed events on a database (${db})`, await suiteOptions(db), () => {
    let fx: KitFixture;
    before(async () => {
      fx = await kitDatabase(db, 'evs');
    });
    after(() => fx.close());

    test('publishing an event whose data does not match its schema fails and writes nothing', async () => {
      const outbox = createOutbox({ source: 'inventory', schema: fx.schema });
      const before = await outboxCount(fx.database);
      await assert.rejects(
        fx.database.transaction(async (trx) => {
          await outbox.add(trx, { type: 'inventory.stock_changed', subject: 'SKU-1', data: stockChanged });
          // The writer's bug, as a cast would let it through the compiler.
          const broken = { ...stockChanged, available: 'many' } as unknown as typeof stockChanged;
          await outbox.add(trx, { type: 'inventory.stock_changed', subject: 'SKU-1', data: broken });
        }),
        (err: unknown) => err instanceof EventSchemaError && /\/data\/available/.test(err.message),
      );
      assert.equal(await outboxCount(fx.database), before, 'the transaction wrote no event');
      await fx.database.transaction((trx) =>
        outbox.add(trx, { type: 'inventory.stock_changed', subject: 'SKU-1', data: stockChanged }),
      );
      assert.equal(await outboxCount(fx.database), before + 1);
    });

    test('a consumer receiving a malformed event parks it as a dead letter naming the field, handling nothing', async () => {
      const { logger } = captureLogger('evs');
      const bus = createMemoryBus();
      const handled: string[] = [];
      const consumer = createConsumer<EffectsDB>(
        'evs',
        fx.database,
        bus,
        subscriptionSpec<EffectsDB>({
          name: `stock-${newId()}`,
          on: {
            async 'inventory.stock_changed'(_trx, event) {
              handled.push(event.data.sku);
            },
          },
        }),
        { logger, retry: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 2 } },
      );
      await consumer.start();
      try {
        const good = envelope('inventory.stock_changed', stockChanged);
        const bad = envelope('inventory.stock_changed', { sku: 'SKU-2', available: 1, backorder: false });
        await bus.publish(good);
        await bus.publish(bad);
        assert.deepEqual(handled, ['SKU-1'], 'only the well-formed event reached the handler');
        const parked = await sql<{ event_id: string; error: string; attempts: number }>`
          select event_id, error, attempts from ${sql.id(fx.schema, 'dead_letters')}
          where consumer = ${consumer.name}`.execute(fx.database.db);
        assert.equal(parked.rows.length, 1);
        assert.equal(parked.rows[0]?.event_id, bad.id);
        assert.equal(parked.rows[0]?.attempts, 1, 'parked at once, not after retries');
        assert.match(
          parked.rows[0]?.error ?? '',
          /EventSchemaError: inventory\.stock_changed v1: \/data\/onHand is required/,
        );
        // A replay meets the same check: the malformed event still reaches no handler.
        await assert.rejects(consumer.apply(bad), EventSchemaError);
        assert.deepEqual(handled, ['SKU-1']);
      } finally {
        await consumer.stop();
        await bus.close();
      }
    });
  });
}
