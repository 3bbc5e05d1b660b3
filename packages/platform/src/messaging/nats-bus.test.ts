import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { infra, needs } from '@mercato/testing';
import { busContract, eventually, sleep, testEvent } from './bus.contract.ts';
import type { EventEnvelope } from '@mercato/contracts';
import type { EventBus } from './bus.ts';
import { consumerNameOf, createNatsBus, streamNameOf } from './nats-bus.ts';

const skip = await needs('nats');
// A fresh domain, hence fresh streams, per run: reruns never see old messages.
const run = randomBytes(4).toString('hex');
const contractDomain = `ct${run}`;
const domain = `nt${run}`;
const makeBus = () =>
  createNatsBus({ servers: infra.natsUrl, name: 'nats-bus-test', defaultRetryDelayMs: 100 });

busContract('nats bus', makeBus, { skip: skip.skip, domain: contractDomain });

describe('nats bus: JetStream specifics', skip, () => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let bus: EventBus;
  before(async () => {
    nc = await connect({ servers: infra.natsUrl });
    jsm = await jetstreamManager(nc);
    bus = await makeBus();
  });
  /** The consumers a durable has on a stream (one per filter: on NATS 2.9 a single type has its own). */
  const consumersOf = async (durable: string, stream: string) => {
    const all = await (await jsm.consumers.list(stream)).next();
    return all.filter((c) => c.name.startsWith(consumerNameOf(durable, stream)));
  };
  after(async () => {
    await bus.close();
    for (const d of [contractDomain, domain, `${domain}x`]) {
      await jsm.streams.delete(d.toUpperCase()).catch(() => false);
    }
    await nc.close();
  });

  test('publish resolves once the event is stored in its domain stream (kept 7 days), with subject = type', async () => {
    const type = `${domain}.stored`;
    const e = testEvent(type, { n: 1 });
    await bus.publish(e);
    const stream = streamNameOf(type);
    assert.equal(stream, domain.toUpperCase());
    const info = await jsm.streams.info(stream);
    assert.deepEqual(info.config.subjects, [`${domain}.>`]);
    assert.equal(info.config.max_age, 7 * 24 * 3600 * 1e9, 'retention bounded, in nanoseconds');
    const before = info.state.messages;
    await bus.publish(testEvent(type, { n: 2 }));
    await bus.publish(e); // duplicate id: not stored again
    assert.equal((await jsm.streams.info(stream)).state.messages, before + 1);
    const stored = await jsm.streams.getMessage(stream, { last_by_subj: type });
    assert.equal(stored?.json<EventEnvelope>().type, type);
  });

  test('a durable consumer re-created after stop() receives the events published while it was stopped', async () => {
    const type = `${domain}.durable`;
    const durable = `durable-${run}`;
    const got: string[] = [];
    const handler = async (e: EventEnvelope) => void got.push(e.id);
    const first = testEvent(type, {});
    const sub = await bus.subscribe({ durable, types: [type], handler });
    await bus.publish(first);
    await eventually(() => got.length === 1, 'the first event');
    await sub.stop();
    const missed = [testEvent(type, { n: 1 }), testEvent(type, { n: 2 })];
    for (const e of missed) await bus.publish(e);
    const other = await makeBus();
    try {
      await other.subscribe({ durable, types: [type], handler });
      await eventually(() => got.length >= 3, 'the events published while stopped');
      await sleep(300);
      assert.deepEqual(got, [first.id, ...missed.map((e) => e.id)]);
    } finally {
      await other.close();
    }
  });

  test('a subscription spanning two domains gets one consumer per stream and events from both', async () => {
    const types = [`${domain}.span`, `${domain}x.span`];
    const durable = `span.${run}`; // the dot is not NATS-legal and must be sanitized
    const got: string[] = [];
    await bus.subscribe({ durable, types, handler: async (e) => void got.push(e.type) });
    await bus.publish(testEvent(types[0]!, {}));
    await bus.publish(testEvent(types[1]!, {}));
    await eventually(() => got.length >= 2, 'both events');
    assert.deepEqual(got.sort(), [...types].sort());
    for (const t of types) {
      const stream = streamNameOf(t);
      const infos = await consumersOf(durable, stream);
      assert.equal(infos.length, 1);
      assert.ok(infos[0]!.config.durable_name?.startsWith(`span_${run}_${stream}`));
    }
  });

  test('a durable re-subscribed with another type and concurrency gets the new type, not the old', async () => {
    const [a, b] = [`${domain}.change_a`, `${domain}.change_b`];
    const durable = `change-${run}`;
    const got: string[] = [];
    const handler = async (e: EventEnvelope) => void got.push(e.type);
    await (await bus.subscribe({ durable, types: [a], concurrency: 1, handler })).stop();
    const sub = await bus.subscribe({ durable, types: [b], concurrency: 4, handler });
    await bus.publish(testEvent(a, {}));
    await bus.publish(testEvent(b, {}));
    await eventually(() => got.length >= 1, 'the event of the new type');
    await sleep(300);
    assert.deepEqual(got, [b]);
    const stream = streamNameOf(b);
    const current = (await consumersOf(durable, stream)).filter((c) =>
      [c.config.filter_subject, ...(c.config.filter_subjects ?? [])].some(
        (f) => f === b || f === `${domain}.>`,
      ),
    );
    assert.equal(current.length, 1);
    assert.equal(current[0]!.config.max_ack_pending, 4);
    await sub.stop();
  });

  test('a subscription of one type is never sent the other types of its domain', async () => {
    const [wanted, other] = [`${domain}.only_wanted`, `${domain}.only_other`];
    const durable = `only-${run}`;
    const got: string[] = [];
    await bus.subscribe({ durable, types: [wanted], handler: async (e) => void got.push(e.type) });
    for (let i = 0; i < 5; i++) await bus.publish(testEvent(other, { i }));
    await bus.publish(testEvent(wanted, {}));
    await eventually(() => got.length >= 1, 'the wanted event');
    await sleep(300);
    assert.deepEqual(got, [wanted]);
    const [info] = await consumersOf(durable, streamNameOf(wanted));
    assert.equal(info?.delivered.consumer_seq, 1, 'one message delivered: the server filtered the rest');
  });

  test('a malformed message is terminated, not redelivered, and does not block later events', async () => {
    const type = `${domain}.malformed`;
    const durable = `malformed-${run}`;
    const got: string[] = [];
    await bus.subscribe({
      durable,
      types: [type],
      concurrency: 1,
      handler: async (e) => void got.push(e.id),
    });
    await bus.publish(testEvent(type, {})); // creates the stream before the raw publish
    await nc.request(type, 'not json {');
    const good = testEvent(type, {});
    await bus.publish(good);
    await eventually(() => got.length >= 2, 'the good events');
    await sleep(300);
    assert.equal(got.length, 2);
    assert.equal(got[1], good.id);
    const [info] = await consumersOf(durable, streamNameOf(type));
    assert.equal(info?.num_ack_pending, 0);
    assert.equal(info?.num_redelivered, 0);
  });

  test('a listener with `since` is handed the stored events first: listen resolves once it has them all, then live ones follow', async () => {
    const type = `${domain}.replayed`;
    const before = new Date(Date.now() - 1000);
    for (let n = 1; n <= 3; n++) await bus.publish(testEvent(type, { n }));
    const got: number[] = [];
    const listener = await bus.listen({
      name: `replay-${run}`,
      types: [type],
      since: before,
      handler: (e) => void got.push((e.data as { n: number }).n),
    });
    assert.deepEqual(got, [1, 2, 3], 'the stored events, in order, before listen resolved');
    await bus.publish(testEvent(type, { n: 4 }));
    await eventually(() => got.length >= 4, 'the live event');
    // Another process (here: another bus) starting now rebuilds the same state.
    const other = await makeBus();
    try {
      const again: number[] = [];
      await other.listen({
        name: `replay-${run}`,
        types: [type],
        since: before,
        handler: (e) => void again.push((e.data as { n: number }).n),
      });
      assert.deepEqual(again, [1, 2, 3, 4]);
    } finally {
      await other.close();
    }
    await listener.stop();
  });

  test('a listener without `since` gets only what is published after it started, and leaves no durable consumer', async () => {
    const type = `${domain}.fresh`;
    await bus.publish(testEvent(type, { n: 1 }));
    const got: number[] = [];
    const listener = await bus.listen({
      name: `fresh-${run}`,
      types: [type],
      handler: (e) => void got.push((e.data as { n: number }).n),
    });
    await bus.publish(testEvent(type, { n: 2 }));
    await eventually(() => got.length >= 1, 'the new event');
    await sleep(200);
    assert.deepEqual(got, [2]);
    const mine = (await (await jsm.consumers.list(streamNameOf(type))).next()).filter((c) =>
      c.name.startsWith(`fresh-${run}-`),
    );
    assert.equal(mine.length, 1);
    assert.equal(mine[0]?.config.durable_name, undefined);
    assert.ok(
      (mine[0]?.config.inactive_threshold ?? 0) > 0,
      'ephemeral: the server drops it once the process stops asking',
    );
    await listener.stop();
    const left = (await (await jsm.consumers.list(streamNameOf(type))).next()).filter((c) =>
      c.name.startsWith(`fresh-${run}-`),
    );
    assert.deepEqual(left, [], 'stop() deletes it at once');
  });
});
