import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EventEnvelope } from '@mercato/contracts';
import { captureLogger, closeTestPglite, needs, waitFor } from '@mercato/testing';
import { sql } from 'kysely';
import { AppError } from '../errors/index.ts';
import { newId } from '../ids/index.ts';
import { createMetrics, type ServiceMetrics } from '../metrics/index.ts';
import { createConsumer, type Consumer, type EventHandlerSpec } from './consumer.ts';
import { createDeadLetterStore } from './dead-letters.ts';
import {
  busKinds,
  dbKinds,
  deleteStreams,
  effects,
  kitDatabase,
  observe,
  openBus,
  redeliver,
  runDomain,
  suiteOptions,
  type EffectsDB,
  type KitFixture,
  type ObservedBus,
} from './fixtures/harness.ts';
import { createOutbox } from './outbox.ts';
import { createRelay } from './relay.ts';

const run = runDomain('cs');
const domains: string[] = [];
const { logger } = captureLogger('consumer-test');
const SERVICE = 'consumer-test';
const MAX_ATTEMPTS = 3;

after(closeTestPglite);
after(async () => {
  if (!(await needs('nats')).skip) await deleteStreams(domains);
});

function event(type: string, data: unknown = {}): EventEnvelope {
  return {
    id: newId(),
    type,
    version: 1,
    source: 'other-service',
    time: new Date().toISOString(),
    subject: 'agg-1',
    correlationId: newId(),
    data,
  };
}

async function counterValue(
  metrics: ServiceMetrics,
  name: 'eventsHandled' | 'consumerFailures' | 'deadLetters',
  labels: Record<string, string>,
): Promise<number> {
  const { values } = await metrics[name].get();
  const found = values.find((v) =>
    Object.entries(labels).every(
      ([k, l]) => (v.labels as Record<string, string | number | undefined>)[k] === l,
    ),
  );
  return found?.value ?? 0;
}

let suite = 0;
for (const db of dbKinds) {
  for (const busKind of busKinds) {
    const opts = await suiteOptions(db, busKind);
    const domain = `${run}${suite++}`;
    domains.push(domain);

    describe(`consumer, inbox and dead letters (${db}, ${busKind} bus)`, opts, () => {
      let fx: KitFixture;
      let bus: ObservedBus;
      let metrics: ServiceMetrics;
      let n = 0;
      const consumers: Consumer[] = [];

      const fresh = (label: string) => {
        n++;
        return {
          type: `${domain}.${label}_${n}`,
          name: `${label}-${n}`,
          consumer: `${SERVICE}-${label}-${n}`,
        };
      };

      /** Starts a consumer whose handler counts its calls per event and records an effect row. */
      async function startConsumer(
        spec: Omit<EventHandlerSpec<EffectsDB>, 'handle'> & {
          handle?: EventHandlerSpec<EffectsDB>['handle'];
          before?: (e: EventEnvelope, call: number) => void;
        },
      ) {
        const calls = new Map<string, number>();
        const consumer = createConsumer(
          SERVICE,
          fx.database,
          bus,
          {
            ...spec,
            async handle(trx, e) {
              const call = (calls.get(e.id) ?? 0) + 1;
              calls.set(e.id, call);
              await trx
                .insertInto('effects')
                .values({ consumer: spec.name, event_id: e.id, note: e.subject })
                .execute();
              // Throwing after the write: a failed attempt must leave no effect behind.
              spec.before?.(e, call);
              if (spec.handle) await spec.handle(trx, e);
            },
          },
          { logger, metrics, retry: { maxAttempts: MAX_ATTEMPTS, baseDelayMs: 5, maxDelayMs: 20 } },
        );
        await consumer.start();
        consumers.push(consumer);
        return { consumer, calls: (id: string) => calls.get(id) ?? 0 };
      }

      before(async () => {
        fx = await kitDatabase(db, 'cons');
        bus = observe(await openBus(busKind));
        metrics = createMetrics(SERVICE);
      });
      after(async () => {
        for (const c of consumers) await c.stop();
        await bus.close();
        await fx.close();
      });

      test('a handler that fails twice then succeeds applies its effect once, on attempt 3', async () => {
        const { type, name, consumer } = fresh('flaky');
        const { calls } = await startConsumer({
          name,
          types: [type],
          concurrency: 1,
          before: (e, call) => {
            if (e.subject === 'flaky' && call <= 2) throw new Error(`transient failure ${call}`);
          },
        });
        const e = { ...event(type), subject: 'flaky' };
        await bus.publish(e);
        await waitFor(async () => (await effects(fx.database, e.id)).length === 1, 5000, 'the effect');
        // A later event through the same subscription (concurrency 1) as a settle point: an
        // extra delivery of e after its success would show up in the counts below.
        const sentinel = event(type);
        await bus.publish(sentinel);
        await waitFor(
          async () => (await effects(fx.database, sentinel.id)).length === 1,
          5000,
          'the sentinel',
        );

        assert.equal(calls(e.id), 3);
        assert.deepEqual(bus.attempts.get(e.id), [1, 2, 3]);
        assert.equal((await effects(fx.database, e.id)).length, 1, 'failed attempts left no effect');
        assert.equal(await counterValue(metrics, 'consumerFailures', { consumer }), 2);
        // Counted just after each commit: e and the sentinel.
        await waitFor(
          async () => (await counterValue(metrics, 'eventsHandled', { consumer, outcome: 'applied' })) === 2,
          5000,
          'two applied events counted',
        );
        assert.equal(await counterValue(metrics, 'deadLetters', { consumer }), 0);
      });

      test('a poison event is dead-lettered after maxAttempts tries, then replayed once it no longer fails', async () => {
        const { type, name, consumer } = fresh('poison');
        let broken = true;
        const { consumer: c, calls } = await startConsumer({
          name,
          types: [type],
          concurrency: 1,
          before: (e) => {
            if (broken && e.subject === 'poison') throw new Error('cannot handle this event');
          },
        });
        const store = createDeadLetterStore(fx.database, () => [c]);
        const poison = { ...event(type, { bad: true }), subject: 'poison' };
        await bus.publish(poison);
        await waitFor(async () => (await store.list()).totalCount === 1, 5000, 'the dead letter');
        const sentinel = event(type);
        await bus.publish(sentinel);
        await waitFor(
          async () => (await effects(fx.database, sentinel.id)).length === 1,
          5000,
          'the sentinel',
        );

        assert.equal(calls(poison.id), MAX_ATTEMPTS, 'tried exactly maxAttempts times, then acked');
        assert.deepEqual(bus.attempts.get(poison.id), [1, 2, 3]);
        const [dl] = (await store.list()).items;
        assert.ok(dl);
        assert.equal(dl.consumer, consumer);
        assert.equal(dl.eventId, poison.id);
        assert.equal(dl.eventType, type);
        assert.equal(dl.attempts, MAX_ATTEMPTS);
        assert.match(dl.error, /cannot handle this event/);
        assert.equal(dl.replayedAt, null);
        assert.deepEqual(dl.envelope, poison);
        assert.equal((await effects(fx.database, poison.id)).length, 0);
        await waitFor(
          async () => (await counterValue(metrics, 'deadLetters', { consumer })) === 1,
          5000,
          'the dead letter counted',
        );

        // Still failing: the replay is refused, counted, and the letter stays open.
        await assert.rejects(store.replay(dl.id), (err: unknown) => {
          assert.ok(err instanceof AppError);
          assert.equal(err.code, 'CONFLICT');
          return true;
        });
        assert.equal((await store.list()).items[0]?.attempts, MAX_ATTEMPTS + 1);

        broken = false;
        const replayed = await store.replay(dl.id);
        assert.ok(replayed.replayedAt, 'marked replayed');
        assert.equal((await effects(fx.database, poison.id)).length, 1, 'applied once by the replay');
        assert.equal((await store.list()).totalCount, 0, 'no longer listed as open');
        const all = await store.list({ includeReplayed: true });
        assert.equal(all.items.find((d) => d.id === dl.id)?.replayedAt, replayed.replayedAt);

        // A second replay finds the event in the inbox: nothing is applied twice.
        await store.replay(dl.id);
        assert.equal((await effects(fx.database, poison.id)).length, 1);
      });

      test('a poison event holding a NUL, failing with an error that quotes it, is parked all the same and the events after it go on', async () => {
        const { type, name } = fresh('nul');
        const { consumer: c, calls } = await startConsumer({
          name,
          types: [type],
          concurrency: 1,
          before: (e) => {
            if (e.subject === 'poison') throw new Error(`cannot store ${JSON.stringify(e.data)} (a\u0000b)`);
          },
        });
        const store = createDeadLetterStore(fx.database, () => [c]);
        const poison = {
          ...event(type, { 'ti\u0000tle': 'a\u0000b', quoted: 'x\\u0000y' }),
          subject: 'poison',
        };
        await bus.publish(poison);
        const sentinel = event(type);
        await bus.publish(sentinel);
        await waitFor(async () => (await store.list()).totalCount === 1, 5000, 'the dead letter');
        await waitFor(
          async () => (await effects(fx.database, sentinel.id)).length === 1,
          5000,
          'the sentinel',
        );
        assert.equal(calls(poison.id), MAX_ATTEMPTS, 'tried maxAttempts times, then parked and acked');
        const [dl] = (await store.list()).items;
        assert.match(dl?.error ?? '', /cannot store .*a\ufffdb/);
        // Kept as close as jsonb allows: the NUL is U+FFFD, an escaped backslash stays as it was.
        assert.deepEqual(dl?.envelope.data, { 'ti\ufffdtle': 'a\ufffdb', quoted: 'x\\u0000y' });
      });

      test('replaying an unknown dead letter is a 404 DEAD_LETTER_NOT_FOUND', async () => {
        const store = createDeadLetterStore(fx.database, () => consumers);
        await assert.rejects(store.replay(newId()), (err: unknown) => {
          assert.ok(err instanceof AppError);
          assert.equal(err.code, 'DEAD_LETTER_NOT_FOUND');
          assert.equal(err.status, 404);
          return true;
        });
      });

      test('a redelivered event is skipped by the inbox: applied once, counted as duplicate', async () => {
        const { type, name, consumer } = fresh('dup');
        const { consumer: c, calls } = await startConsumer({ name, types: [type] });
        const e = event(type);
        await bus.publish(e);
        await waitFor(
          async () => (await effects(fx.database, e.id)).length === 1,
          5000,
          'the first delivery',
        );
        await bus.publish(e); // the same id again: the bus itself dedupes it
        await redeliver(busKind, bus, e, async () => {
          await c.stop();
          await c.start();
        });
        await waitFor(
          async () =>
            (await counterValue(metrics, 'eventsHandled', { consumer, outcome: 'duplicate' })) === 1,
          5000,
          'the duplicate to be counted',
        );
        assert.equal(calls(e.id), 1, 'the handler ran once');
        assert.equal((await effects(fx.database, e.id)).length, 1);
        assert.equal(await counterValue(metrics, 'eventsHandled', { consumer, outcome: 'applied' }), 1);
        assert.equal(await c.apply(e), false, 'apply reports the event as seen before');
        const inbox = await sql<{ n: number }>`select count(*)::int as n from ${sql.id(fx.schema, 'inbox')}
          where consumer = ${consumer} and event_id = ${e.id}`.execute(fx.database.db);
        assert.equal(inbox.rows[0]?.n, 1);
      });

      test('with batch, events delivered together share transactions and each is applied once', async () => {
        const { type, name, consumer } = fresh('batch');
        const txOf = new Map<string, string>();
        await startConsumer({
          name,
          types: [type],
          batch: 50,
          async handle(trx, e) {
            const tx = await sql<{ t: string }>`select txid_current()::text as t`.execute(trx);
            txOf.set(e.id, tx.rows[0]!.t);
          },
        });
        const sent = Array.from({ length: 40 }, () => event(type));
        await Promise.all(sent.map((e) => bus.publish(e)));
        await waitFor(
          async () => (await counterValue(metrics, 'eventsHandled', { consumer, outcome: 'applied' })) === 40,
          10_000,
          'forty applied events',
        );
        for (const e of sent)
          assert.equal((await effects(fx.database, e.id)).length, 1, `one effect of ${e.id}`);
        const transactions = new Set(sent.map((e) => txOf.get(e.id)));
        assert.ok(
          transactions.size < sent.length,
          `${transactions.size} transactions for ${sent.length} events`,
        );
        const inbox = await sql<{ n: number }>`select count(*)::int as n from ${sql.id(fx.schema, 'inbox')}
          where consumer = ${consumer}`.execute(fx.database.db);
        assert.equal(inbox.rows[0]?.n, 40);
      });

      test('with batch and handleMany, new events come in few calls, each event in exactly one', async () => {
        const { type, name, consumer } = fresh('many');
        const calls: string[][] = [];
        const c = createConsumer(
          SERVICE,
          fx.database,
          bus,
          {
            name,
            types: [type],
            batch: 50,
            handle: () => Promise.reject(new Error('handleMany serves every event here')),
            async handleMany(trx, events) {
              calls.push(events.map((e) => e.id));
              await trx
                .insertInto('effects')
                .values(events.map((e) => ({ consumer: name, event_id: e.id, note: e.subject })))
                .execute();
            },
          },
          { logger, metrics, retry: { maxAttempts: MAX_ATTEMPTS, baseDelayMs: 5, maxDelayMs: 20 } },
        );
        await c.start();
        consumers.push(c);
        // One alone first (a batch of one), then many at once.
        const sent = Array.from({ length: 41 }, () => event(type));
        await bus.publish(sent[0]!);
        await waitFor(
          async () => (await effects(fx.database, sent[0]!.id)).length === 1,
          5000,
          'the lone event',
        );
        await Promise.all(sent.slice(1).map((e) => bus.publish(e)));
        await waitFor(
          async () => (await counterValue(metrics, 'eventsHandled', { consumer, outcome: 'applied' })) === 41,
          10_000,
          'forty-one applied events',
        );
        assert.deepEqual(calls.flat().sort(), sent.map((e) => e.id).sort(), 'each event in exactly one call');
        assert.ok(calls.length < sent.length, `${calls.length} calls for ${sent.length} events`);
        for (const e of sent) assert.equal((await effects(fx.database, e.id)).length, 1);
        assert.equal(await counterValue(metrics, 'consumerFailures', { consumer }), 0, 'handle never ran');
      });

      test('with batch, a failing event is retried alone and the others of its batch apply once', async () => {
        const { type, name, consumer } = fresh('batchfail');
        const { calls } = await startConsumer({
          name,
          types: [type],
          batch: 50,
          before: (e, call) => {
            if (e.subject === 'flaky' && call <= 2) throw new Error(`transient failure ${call}`);
          },
        });
        const flaky = { ...event(type), subject: 'flaky' };
        const others = Array.from({ length: 20 }, () => event(type));
        await Promise.all([...others.slice(0, 10), flaky, ...others.slice(10)].map((e) => bus.publish(e)));
        await waitFor(
          async () => (await counterValue(metrics, 'eventsHandled', { consumer, outcome: 'applied' })) === 21,
          10_000,
          'twenty-one applied events',
        );
        for (const e of [flaky, ...others]) {
          assert.equal((await effects(fx.database, e.id)).length, 1, `one effect of ${e.subject} ${e.id}`);
        }
        // It failed twice, whatever batch it was in; a failure inside a batch is rerun alone at
        // once, so the deliveries that failed (and were retried later) are one or two.
        assert.equal(calls(flaky.id), 3);
        const failures = await counterValue(metrics, 'consumerFailures', { consumer });
        assert.ok(failures >= 1 && failures <= 2, `${failures} failed deliveries`);
        assert.equal(await counterValue(metrics, 'deadLetters', { consumer }), 0);
      });

      test('two subscriptions of one service each apply an event once: the inbox is per consumer', async () => {
        const { type, name } = fresh('fanout');
        const a = await startConsumer({ name: `${name}-a`, types: [type] });
        const b = await startConsumer({ name: `${name}-b`, types: [type] });
        const e = event(type);
        await bus.publish(e);
        await waitFor(async () => (await effects(fx.database, e.id)).length === 2, 5000, 'both effects');
        assert.equal(a.calls(e.id), 1);
        assert.equal(b.calls(e.id), 1);
        assert.deepEqual((await effects(fx.database, e.id)).map((r) => r.consumer).sort(), [
          `${name}-a`,
          `${name}-b`,
        ]);
      });

      test('events of one transaction keep their order through relay, bus and a consumer of concurrency 1', async () => {
        const { type, name } = fresh('order');
        await startConsumer({
          name,
          types: [type],
          concurrency: 1,
          // Yield inside the handler so that any overlap of deliveries would reorder the effects.
          handle: () => new Promise((resolve) => setImmediate(resolve)),
        });
        const box = createOutbox<string>({ checkSchemas: false, source: SERVICE, schema: fx.schema });
        const written = await fx.database.transaction((trx) =>
          box.addMany(
            trx,
            Array.from({ length: 25 }, (_, i) => ({
              type,
              subject: `s${String(i).padStart(2, '0')}`,
              data: { i },
            })),
          ),
        );
        const relay = createRelay(fx.database, bus, { logger }, { pollMs: 20 });
        relay.start();
        try {
          await waitFor(
            async () =>
              (await effects(fx.database)).filter((r) => r.consumer === name).length === written.length,
            10_000,
            'every event handled',
          );
        } finally {
          await relay.stop();
        }
        const handled = (await effects(fx.database))
          .filter((r) => r.consumer === name)
          .map((r) => r.event_id);
        assert.deepEqual(
          handled,
          written.map((e) => e.id),
        );
      });

      test("events a handler publishes carry the cause's correlationId and its id as causationId", async () => {
        const { type, name } = fresh('cause');
        const box = createOutbox<string>({ checkSchemas: false, source: SERVICE, schema: fx.schema });
        let published: EventEnvelope | undefined;
        await startConsumer({
          name,
          types: [type],
          handle: async (trx, e) => {
            published = await box.add(trx, { type: `${domain}.followup`, subject: e.subject, data: {} });
          },
        });
        const cause = event(type);
        await bus.publish(cause);
        const committed = async () => {
          if (!published) return false;
          const rows = await sql<{ id: string }>`select id from ${sql.id(fx.schema, 'outbox')}
            where id = ${published.id}`.execute(fx.database.db);
          return rows.rows.length === 1;
        };
        // The row appears once the handler's transaction commits: written in that transaction.
        await waitFor(committed, 5000, 'the follow-up event in the outbox');
        assert.equal(published?.correlationId, cause.correlationId);
        assert.equal(published?.causationId, cause.id);
        await sql`delete from ${sql.id(fx.schema, 'outbox')}`.execute(fx.database.db);
      });
    });
  }
}
