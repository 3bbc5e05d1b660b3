import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EventEnvelope } from '@mercato/contracts';
import { captureLogger, closeTestPglite, needs, waitFor } from '@mercato/testing';
import { sql } from 'kysely';
import { runWithContext } from '../context/index.ts';
import { createMetrics } from '../metrics/index.ts';
import type { EventBus } from './bus.ts';
import {
  busKinds,
  dbKinds,
  deleteStreams,
  flaky,
  kitDatabase,
  openBus,
  outboxCount,
  record,
  runDomain,
  suiteOptions,
  type KitFixture,
} from './fixtures/harness.ts';
import { createOutbox, type EventDraft } from './outbox.ts';
import { createRelay, type Relay } from './relay.ts';

const run = runDomain('or');
const domains: string[] = [];
const { logger } = captureLogger('relay-test');

after(closeTestPglite);
after(async () => {
  if (!(await needs('nats')).skip) await deleteStreams(domains);
});

function drafts(type: string, n: number, label: string): EventDraft<string>[] {
  return Array.from({ length: n }, (_, i) => ({ type, subject: `${label}-${i}`, data: { label, i } }));
}

let suite = 0;
for (const db of dbKinds) {
  for (const busKind of busKinds) {
    const opts = await suiteOptions(db, busKind);
    const domain = `${run}${suite++}`;
    domains.push(domain);

    describe(`outbox and relay (${db}, ${busKind} bus)`, opts, () => {
      let fx: KitFixture;
      let bus: EventBus;
      let n = 0;
      const relays: Relay[] = [];
      // Each test its own event type and subscriber: no test sees another's events.
      const fresh = (label: string) => {
        n++;
        return { type: `${domain}.${label}_${n}`, durable: `rec-${label}-${n}` };
      };
      const relayOn = (b: EventBus, o: Parameters<typeof createRelay>[3] = {}) => {
        const r = createRelay(fx.database, b, { logger }, { pollMs: 20, maxBackoffMs: 40, ...o });
        relays.push(r);
        return r;
      };
      const outbox = () =>
        createOutbox<string>({ checkSchemas: false, source: 'relay-test', schema: fx.schema });

      before(async () => {
        fx = await kitDatabase(db, 'relay');
        bus = await openBus(busKind);
      });
      after(async () => {
        for (const r of relays) await r.stop(500);
        await bus.close();
        await fx.close();
      });

      test('an event is published once per committed transaction and never for a rolled-back one', async () => {
        const { type, durable } = fresh('commit');
        const rec = await record(bus, durable, [type]);
        const box = outbox();
        const first = await fx.database.transaction((trx) => box.addMany(trx, drafts(type, 3, 'first')));
        let doomed: EventEnvelope[] = [];
        await assert.rejects(
          fx.database.transaction(async (trx) => {
            doomed = await box.addMany(trx, drafts(type, 2, 'doomed'));
            throw new Error('use case failed');
          }),
          /use case failed/,
        );
        assert.equal(doomed.length, 2, 'the rolled-back transaction did write events before failing');
        const second = await fx.database.transaction((trx) => box.add(trx, drafts(type, 1, 'second')[0]!));
        assert.equal(await outboxCount(fx.database, type), 4);

        const relay = relayOn(bus);
        relay.start();
        // Committed after the relay runs, and so published after all the others.
        const sentinel = await fx.database.transaction((trx) =>
          box.add(trx, drafts(type, 1, 'sentinel')[0]!),
        );
        await waitFor(() => rec.count(sentinel.id) === 1, 5000, 'the sentinel event');
        await relay.stop();

        const expected = [...first, second, sentinel].map((e) => e.id);
        assert.deepEqual(rec.ids(), expected, 'each committed event exactly once, in commit order');
        for (const e of doomed) assert.equal(rec.count(e.id), 0, 'rolled-back event published');
        assert.equal(await outboxCount(fx.database, type), 0);
        await rec.stop();
      });

      test('the outbox completes the envelope from the draft and the request context', async () => {
        const { type, durable } = fresh('envelope');
        const rec = await record(bus, durable, [type]);
        const box = outbox();
        const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
        const written = await runWithContext(
          { correlationId: 'corr-env-1', traceparent, causationId: '0190a6b2-7c1e-7000-8000-0000000000aa' },
          () =>
            fx.database.transaction((trx) =>
              box.add(trx, {
                type,
                subject: 'order-9',
                data: { total: { amount: 1999, currency: 'USD' } },
                version: 2,
              }),
            ),
        );
        await relayOn(bus).drain();
        await waitFor(() => rec.events.length === 1, 5000, 'the event');
        const got = rec.events[0]!;
        assert.deepEqual(got, written);
        assert.equal(got.type, type);
        assert.equal(got.version, 2);
        assert.equal(got.source, 'relay-test');
        assert.equal(got.subject, 'order-9');
        assert.equal(got.correlationId, 'corr-env-1');
        assert.equal(got.causationId, '0190a6b2-7c1e-7000-8000-0000000000aa');
        assert.equal(got.traceparent, traceparent);
        assert.match(got.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        assert.ok(!Number.isNaN(Date.parse(got.time)));
        await rec.stop();
      });

      test('a commit kicks the relay: events leave without waiting for the next poll', async () => {
        const { type, durable } = fresh('kick');
        const rec = await record(bus, durable, [type]);
        // A poll far beyond the wait below: only the commit's kick can publish in time.
        let relay: Relay | undefined = undefined;
        const box = createOutbox<string>({
          checkSchemas: false,
          source: 'relay-test',
          schema: fx.schema,
          onCommitted: () => relay?.kick(),
        });
        relay = relayOn(bus, { pollMs: 60_000 });
        relay.start();
        await relay.drain();
        const e = await fx.database.transaction((trx) => box.add(trx, drafts(type, 1, 'kick')[0]!));
        await waitFor(() => rec.count(e.id) === 1, 3000, 'the kicked event');
        await relay.stop();
        await rec.stop();
      });

      test('an event with its own context carries that correlation, the others the current one', async () => {
        const { type } = fresh('context');
        const box = createOutbox<string>({ checkSchemas: false, source: 'relay-test', schema: fx.schema });
        const [mine, other] = await fx.database.transaction((trx) =>
          box.addMany(trx, [
            {
              ...drafts(type, 1, 'm')[0]!,
              context: { correlationId: 'corr-of-request-a', causationId: 'evt-1' },
            },
            drafts(type, 1, 'o')[0]!,
          ]),
        );
        assert.equal(mine!.correlationId, 'corr-of-request-a');
        assert.equal(mine!.causationId, 'evt-1');
        assert.ok(!('context' in mine!), 'the context is not part of the envelope');
        assert.notEqual(other!.correlationId, 'corr-of-request-a');
        assert.equal(other!.causationId, undefined);
        // Unpublished rows would be counted by the next test's relay.
        await sql`delete from ${sql.id(fx.schema, 'outbox')} where type = ${type}`.execute(fx.database.db);
      });

      test('with a commit hook, an event written outside a transaction is refused and nothing is written', async () => {
        const { type } = fresh('notx');
        const box = createOutbox<string>({
          checkSchemas: false,
          source: 'relay-test',
          schema: fx.schema,
          onCommitted: () => {},
        });
        await assert.rejects(box.add(fx.database.db, drafts(type, 1, 'x')[0]!), /needs a transaction/);
        assert.equal(await outboxCount(fx.database, type), 0);
      });

      test('while the bus is down the relay keeps trying, then delivers everything once it recovers', async () => {
        const { type, durable } = fresh('outage');
        const rec = await record(bus, durable, [type]);
        const down = flaky(bus);
        down.down = true;
        const metrics = createMetrics('relay-test');
        const relay = createRelay(fx.database, down, { logger, metrics }, { pollMs: 20, maxBackoffMs: 40 });
        relays.push(relay);
        const box = createOutbox<string>({
          checkSchemas: false,
          source: 'relay-test',
          schema: fx.schema,
          onCommitted: () => relay.kick(),
        });
        const written: EventEnvelope[] = [];
        for (let i = 0; i < 5; i++)
          written.push(await fx.database.transaction((trx) => box.add(trx, drafts(type, 1, `o${i}`)[0]!)));
        relay.start();
        const failedRounds = async () => (await metrics.relayFailures.get()).values[0]?.value ?? 0;
        await waitFor(async () => (await failedRounds()) >= 3, 5000, 'three failed relay rounds');
        assert.ok(down.rejected >= 3);
        assert.equal(rec.events.length, 0);
        assert.equal(
          await outboxCount(fx.database, type),
          5,
          'nothing is lost or dropped while the bus is down',
        );

        down.down = false;
        await waitFor(() => rec.events.length === 5, 5000, 'all five events after recovery');
        await relay.stop();
        assert.deepEqual(
          rec.ids(),
          written.map((e) => e.id),
        );
        assert.equal(await outboxCount(fx.database, type), 0);
        assert.equal((await metrics.relayPublished.get()).values[0]!.value, 5);
        await rec.stop();
      });

      test('when a publish fails midway, the acknowledged events before it are not published again', async () => {
        const { type, durable } = fresh('partial');
        const rec = await record(bus, durable, [type]);
        const partial = flaky(bus);
        const written = await fx.database.transaction((trx) => outbox().addMany(trx, drafts(type, 6, 'p')));
        partial.failOnce.add(written[3]!.id);
        const relay = relayOn(partial);
        await assert.rejects(relay.drain(), /publish incomplete/);
        assert.equal(await outboxCount(fx.database, type), 3, 'the acknowledged prefix left the outbox');
        assert.equal(await relay.drain(), 3);
        for (const e of written.slice(0, 3))
          assert.equal(partial.calls.get(e.id), 1, 'prefix published again');
        await waitFor(() => written.every((e) => rec.count(e.id) >= 1), 5000, 'all six events');
        for (const e of written) assert.equal(rec.count(e.id), 1, `${e.subject} delivered once`);
        assert.equal(await outboxCount(fx.database, type), 0);
        await rec.stop();
      });

      test('of a coalesced type only the latest pending event per subject is published, in order; a failure retries it', async () => {
        const { type, durable } = fresh('level');
        const other = `${type}_other`;
        const rec = await record(bus, durable, [type, other]);
        const at = (subject: string, level: number) => ({ type, subject, data: { level } });
        const written = await fx.database.transaction((trx) =>
          outbox().addMany(trx, [
            at('A', 5),
            at('B', 9),
            { type: other, subject: 'A', data: {} },
            at('A', 4),
            at('A', 3),
            at('B', 8),
          ]),
        );
        const [, , untouched, , lastA, lastB] = written;
        const partial = flaky(bus);
        partial.failOnce.add(lastB!.id);
        const relay = relayOn(partial, { coalesce: [type] });
        await assert.rejects(relay.drain(), /publish incomplete/);
        // Done: everything before B's latest (A's superseded rows and A's latest included).
        assert.equal(await outboxCount(fx.database, type), 1);
        assert.equal(await relay.drain(), 1);
        await waitFor(() => rec.count(lastB!.id) === 1, 5000, "B's latest level");
        assert.deepEqual(rec.ids(), [untouched!.id, lastA!.id, lastB!.id]);
        assert.deepEqual(
          written
            .filter((e) => rec.count(e.id) === 0)
            .map((e) => [e.subject, (e.data as { level: number }).level]),
          [
            ['A', 5],
            ['B', 9],
            ['A', 4],
          ],
          'the superseded levels were never published',
        );
        assert.equal(await outboxCount(fx.database, type), 0);
        await rec.stop();
      });

      test('relay.stop() publishes what is pending before it returns', async () => {
        const { type, durable } = fresh('stop');
        const rec = await record(bus, durable, [type]);
        const relay = relayOn(bus, { pollMs: 60_000 });
        relay.start();
        await relay.drain();
        // No kick (the outbox has no onCommitted) and a long poll: only stop() can publish these.
        const written = await fx.database.transaction((trx) => outbox().addMany(trx, drafts(type, 4, 's')));
        assert.equal(await outboxCount(fx.database, type), 4);
        await relay.stop();
        assert.equal(await outboxCount(fx.database, type), 0, 'stop() drained the outbox');
        await waitFor(() => rec.events.length === 4, 5000, 'the drained events');
        assert.deepEqual(
          rec.ids(),
          written.map((e) => e.id),
        );
        await rec.stop();
      });

      test('stop() with the bus down returns and keeps the events for the next start', async () => {
        const { type, durable } = fresh('stopdown');
        const rec = await record(bus, durable, [type]);
        const down = flaky(bus);
        down.down = true;
        const relay = relayOn(down, { pollMs: 60_000 });
        relay.start();
        await relay.drain();
        const written = await fx.database.transaction((trx) => outbox().addMany(trx, drafts(type, 2, 'd')));
        await relay.stop(200);
        assert.equal(await outboxCount(fx.database, type), 2);
        down.down = false;
        const next = relayOn(down);
        next.start();
        await waitFor(() => rec.events.length === 2, 5000, 'the kept events after restart');
        await next.stop();
        assert.deepEqual(
          rec.ids(),
          written.map((e) => e.id),
        );
        await rec.stop();
      });
    });
  }
}

describe('relay replicas on PostgreSQL', await suiteOptions('pg'), () => {
  test('two relays on one schema publish each event exactly once, in order', async () => {
    const fx = await kitDatabase('pg', 'replica');
    const inner = await openBus('memory');
    const bus = flaky(inner);
    const type = `${run}r.replicated`;
    const rec = await record(bus, 'rec-replicas', [type]);
    const a = createRelay(fx.database, bus, { logger }, { pollMs: 5 });
    const b = createRelay(fx.database, bus, { logger }, { pollMs: 5 });
    try {
      a.start();
      b.start();
      const box = createOutbox<string>({
        checkSchemas: false,
        source: 'relay-test',
        schema: fx.schema,
        onCommitted: () => (a.kick(), b.kick()),
      });
      const written: EventEnvelope[] = [];
      for (let i = 0; i < 30; i++) {
        written.push(...(await fx.database.transaction((trx) => box.addMany(trx, drafts(type, 3, `r${i}`)))));
      }
      await waitFor(() => rec.events.length === written.length, 10_000, 'all events');
      for (const e of written) assert.equal(bus.calls.get(e.id), 1, 'published by one relay only');
      assert.deepEqual(
        rec.ids(),
        written.map((e) => e.id),
      );
    } finally {
      await a.stop();
      await b.stop();
      await rec.stop();
      await inner.close();
      await fx.close();
    }
  });

  test('drain waits out a round another relay is running, and returns once the outbox is empty', async () => {
    const fx = await kitDatabase('pg', 'drain');
    const inner = await openBus('memory');
    const type = `${run}r.drained`;
    const rec = await record(inner, 'rec-drain', [type]);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let publishing = false;
    // Replica A's publishes hang until released: it holds the relay lock meanwhile.
    const slow: EventBus = {
      ...inner,
      publish: async (e) => {
        publishing = true;
        await held;
        return inner.publish(e);
      },
    };
    const a = createRelay(fx.database, slow, { logger }, { pollMs: 5 });
    const b = createRelay(fx.database, inner, { logger }, { pollMs: 60_000 });
    try {
      const box = createOutbox<string>({ checkSchemas: false, source: 'relay-test', schema: fx.schema });
      const written = await fx.database.transaction((trx) => box.addMany(trx, drafts(type, 3, 'd')));
      a.start();
      await waitFor(() => publishing, 5_000, 'replica A publishing');
      let drained = false;
      const draining = b.drain().then(() => (drained = true));
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(drained, false, 'drain does not return while A holds unpublished rows');
      release();
      await draining;
      await waitFor(() => rec.events.length === written.length, 5_000, 'all events');
      const left = await sql<{
        n: number;
      }>`select count(*)::int as n from ${sql.id(fx.schema, 'outbox')}`.execute(fx.database.db);
      assert.equal(left.rows[0]?.n, 0);
    } finally {
      release();
      await a.stop();
      await b.stop();
      await rec.stop();
      await inner.close();
      await fx.close();
    }
  });
});
