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
    await (await jetstreamManager(nc)).consumers.delete(stream, consumerNameOf(durable, stream));
  } finally {
    await nc.close();
  }
}
