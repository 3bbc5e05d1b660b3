import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { consumerNameOf, streamNameOf } from '@mercato/platform/messaging';
import { infra } from './infra.ts';

/**
 * Deletes a test's durable JetStream consumer of an event type's stream. A durable outlives
 * its subscription on purpose (that is what makes it durable); a test's one would stay on
 * the shared server, holding every later event of the stream.
 */
export async function deleteTestDurable(durable: string, type: string): Promise<void> {
  const nc = await connect({ servers: infra.natsUrl });
  try {
    const stream = streamNameOf(type);
    const jsm = await jetstreamManager(nc);
    // Its consumers on the stream: one, named `<durable>_<STREAM>`, with `_<type>` on NATS 2.9.
    const name = consumerNameOf(durable, stream);
    const mine = (await (await jsm.consumers.list(stream)).next()).filter(
      (c) => c.name === name || c.name.startsWith(`${name}_`),
    );
    for (const c of mine) await jsm.consumers.delete(stream, c.name);
  } finally {
    await nc.close();
  }
}
