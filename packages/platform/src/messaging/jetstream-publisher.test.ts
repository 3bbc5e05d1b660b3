import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { infra, needs } from '@mercato/testing';
import { createJetStreamPublisher, type JetStreamPublisher } from './jetstream-publisher.ts';

const run = randomBytes(4).toString('hex');
const stream = `JP${run}`.toUpperCase();
const subject = `jp${run}.stored`;

describe('JetStream publisher (acknowledgements on one reply subscription)', await needs('nats'), () => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let publisher: JetStreamPublisher;
  before(async () => {
    nc = await connect({ servers: infra.natsUrl });
    jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: stream, subjects: [`jp${run}.stored`], duplicate_window: 60_000_000_000 });
    publisher = createJetStreamPublisher(nc, 300);
  });
  after(async () => {
    publisher?.close();
    await jsm?.streams.delete(stream).catch(() => false);
    await nc?.drain();
  });

  test('many publishes at once each resolve once stored; a repeated id is stored once', async () => {
    const ids = Array.from({ length: 500 }, (_, i) => `m-${run}-${i}`);
    await Promise.all(ids.map((id) => publisher.publish(subject, JSON.stringify({ id }), id)));
    await publisher.publish(subject, JSON.stringify({ id: ids[0] }), ids[0]!);
    const info = await jsm.streams.info(stream);
    assert.equal(info.state.messages, 500);
    const first = await jetstream(nc)
      .streams.get(stream)
      .then((s) => s.getMessage({ seq: 1 }));
    assert.deepEqual(first?.json(), { id: ids[0] });
  });

  test('a subject no stream stores is refused, not left waiting', async () => {
    await assert.rejects(publisher.publish(`jp${run}.nowhere`, '{}', `x-${run}`), /503/);
  });

  test('a publish nobody acknowledges fails after the timeout', async () => {
    // A plain subscriber takes the message and never answers, as a stalled server would.
    const silent = nc.subscribe(`jp${run}.silent`);
    const started = Date.now();
    await assert.rejects(
      publisher.publish(`jp${run}.silent`, '{}', `s-${run}`),
      /not acknowledged within 300 ms/,
    );
    assert.ok(Date.now() - started >= 300, 'not before the timeout');
    silent.unsubscribe();
  });
});
