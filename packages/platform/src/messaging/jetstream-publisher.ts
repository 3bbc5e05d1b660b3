import { createInbox, headers, type Msg, type NatsConnection } from '@nats-io/transport-node';

/** Publishes to JetStream and resolves once the stream has stored the message. */
export interface JetStreamPublisher {
  /** `msgId` is the stream's dedupe id (`Nats-Msg-Id`): a repeat within the window is acknowledged as a duplicate. */
  publish(subject: string, body: string, msgId: string): Promise<void>;
  /** Fails what is still waiting for its acknowledgement. */
  close(): void;
}

interface Waiting {
  resolve: () => void;
  reject: (err: Error) => void;
  at: number;
}

/**
 * JetStream publishes whose acknowledgements come back on one reply subscription, matched
 * by a counter in the reply subject. The client's own path (`jetstream().publish`, a
 * request per message) arms a timer and builds a `RequestError` (with its stack trace) for
 * every message, even a successful one: ~4 % of the busiest relay's CPU. Here one sweep a
 * second fails the messages not acknowledged within `timeoutMs`.
 */
export function createJetStreamPublisher(nc: NatsConnection, timeoutMs: number): JetStreamPublisher {
  const prefix = `${createInbox()}.`;
  const waiting = new Map<number, Waiting>();
  let next = 0;

  const settle = (msg: Msg): void => {
    const id = Number(msg.subject.slice(prefix.length));
    const w = waiting.get(id);
    if (!w) return; // timed out already
    waiting.delete(id);
    // No stream on the subject: the server answers 503 (no responders) instead of an ack.
    if (msg.headers?.hasError) {
      w.reject(new Error(`jetstream publish failed: ${msg.headers.code} ${msg.headers.description}`));
      return;
    }
    try {
      const ack = msg.json<{ stream?: string; error?: { code: number; description: string } }>();
      if (ack.error)
        w.reject(new Error(`jetstream publish failed: ${ack.error.code} ${ack.error.description}`));
      else if (!ack.stream) w.reject(new Error('jetstream publish: invalid acknowledgement'));
      else w.resolve();
    } catch (err) {
      w.reject(err instanceof Error ? err : new Error(String(err)));
    }
  };
  const sub = nc.subscribe(`${prefix}*`, {
    callback: (err, msg) => {
      if (!err) settle(msg);
    },
  });
  const sweeper = setInterval(
    () => {
      const before = Date.now() - timeoutMs;
      for (const [id, w] of waiting) {
        if (w.at > before) break; // in send order: the rest are younger
        waiting.delete(id);
        w.reject(new Error(`jetstream publish not acknowledged within ${timeoutMs} ms`));
      }
    },
    Math.min(1000, timeoutMs),
  );
  sweeper.unref();

  return {
    publish(subject, body, msgId) {
      const id = next++;
      const h = headers();
      h.set('Nats-Msg-Id', msgId);
      return new Promise<void>((resolve, reject) => {
        waiting.set(id, { resolve, reject, at: Date.now() });
        nc.publish(subject, body, { reply: `${prefix}${id}`, headers: h });
      });
    },
    close() {
      clearInterval(sweeper);
      sub.unsubscribe();
      for (const w of waiting.values()) w.reject(new Error('jetstream publisher closed'));
      waiting.clear();
    },
  };
}
