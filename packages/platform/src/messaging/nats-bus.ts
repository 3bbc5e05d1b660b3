import { connect, nanos } from '@nats-io/transport-node';
import { randomBytes } from 'node:crypto';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  type Consumer,
  type ConsumerConfig,
  type ConsumerMessages,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { eventDomain, type EventEnvelope } from '@mercato/contracts';
import {
  RetryLater,
  type EncodedEvent,
  type EventBus,
  type ListenSpec,
  type Subscription,
  type SubscriptionSpec,
} from './bus.ts';
import { createJetStreamPublisher } from './jetstream-publisher.ts';
import { Semaphore } from './memory-bus.ts';

/** Options of the NATS JetStream bus. */
export interface NatsBusOptions {
  /** One URL or a comma-separated list, e.g. `nats://127.0.0.1:4222`. */
  servers: string;
  /** Connection name shown by the server (`nats server report connections`). */
  name?: string;
  logger?: Logger;
  /** Redelivery delay after a plain rejection (default 1000 ms). */
  defaultRetryDelayMs?: number;
  /** Redelivery after this long without ack, e.g. when the process died (default 30 s). */
  ackWaitMs?: number;
  /** Stream dedupe window by `Nats-Msg-Id`, for streams this bus creates (default 2 min). */
  duplicateWindowMs?: number;
  /**
   * How long streams this bus creates keep events (default 7 days): long enough for a
   * consumer that was down to catch up, bounded so a busy domain does not fill the disk.
   */
  maxAgeMs?: number;
}

const DEFAULT_CONCURRENCY = 16;
const PING_TIMEOUT_MS = 2000;
/** A listener replaying `since` waits at most this long for the replay before it goes on. */
const CATCH_UP_TIMEOUT_MS = 10_000;
/** A publish not acknowledged within this fails (the relay publishes the row again later). */
const PUBLISH_TIMEOUT_MS = 5000;

/** The stream of an event type's domain: `setting.changed` → `SETTING`. */
export function streamNameOf(type: string): string {
  return eventDomain(type).toUpperCase();
}

/**
 * The consumer name of a subscription on one stream. NATS forbids `.`, `*`, `>`, slashes and
 * whitespace in names; the stream suffix keeps the name telling when one subscription spans
 * several streams.
 */
export function consumerNameOf(durable: string, stream: string): string {
  return `${durable.replace(/[^A-Za-z0-9_-]/g, '_')}_${stream}`;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The JetStream bus of distributed mode: one stream per domain (`ORDER` on `order.>`),
 * subject = event type, one durable pull consumer per subscription and stream.
 */
export async function createNatsBus(opts: NatsBusOptions): Promise<EventBus> {
  const log = opts.logger;
  const defaultDelay = opts.defaultRetryDelayMs ?? 1000;
  const ackWaitMs = opts.ackWaitMs ?? 30_000;
  const duplicateWindowMs = opts.duplicateWindowMs ?? 2 * 60_000;
  const maxAgeMs = opts.maxAgeMs ?? 7 * 24 * 3_600_000;
  const nc = await connect({
    servers: opts.servers.split(',').map((s) => s.trim()),
    name: opts.name,
    // A service outlives broker restarts; readiness reports the outage through ping().
    maxReconnectAttempts: -1,
    // Otherwise every request (each confirmed ack, each management call) builds two Error
    // objects up front for the caller's stack trace. Failures still carry a message.
    noAsyncTraces: true,
  });
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const publisher = createJetStreamPublisher(nc, PUBLISH_TIMEOUT_MS);
  const [major = 0, minor = 0] = (nc.info?.version ?? '0').split('.').map(Number);
  const modernServer = major > 2 || (major === 2 && minor >= 10);
  if (!modernServer) log?.info({ version: nc.info?.version }, 'nats < 2.10: types are filtered client-side');
  const streams = new Map<string, Promise<void>>();
  const subscriptions = new Set<Subscription>();
  const listeners = new Set<Subscription>();
  let connected = true;
  let closed = false;

  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect' || s.type === 'reconnect') {
        connected = s.type === 'reconnect';
        log?.warn({ status: s.type }, 'nats connection status');
      }
    }
  })();

  function ensureStream(domain: string): Promise<void> {
    const name = domain.toUpperCase();
    let ready = streams.get(name);
    if (!ready) {
      ready = createStream(jsm, domain, duplicateWindowMs, maxAgeMs).catch((err: unknown) => {
        streams.delete(name); // let the next call try again
        throw err;
      });
      streams.set(name, ready);
    }
    return ready;
  }

  async function subscribe(spec: SubscriptionSpec): Promise<Subscription> {
    const concurrency = Math.max(1, spec.concurrency ?? DEFAULT_CONCURRENCY);
    const byDomain = new Map<string, string[]>();
    for (const type of new Set(spec.types)) {
      const domain = eventDomain(type);
      byDomain.set(domain, [...(byDomain.get(domain) ?? []), type]);
    }
    // Shared by all streams: `concurrency` bounds the subscription, not each consumer.
    const semaphore = new Semaphore(concurrency);
    const consuming: { messages: ConsumerMessages; pumped: Promise<void> }[] = [];
    let stopping = false;

    const handle = async (m: JsMsg): Promise<void> => {
      let event: EventEnvelope;
      try {
        event = m.json<EventEnvelope>();
        if (typeof (event as Partial<EventEnvelope> | null)?.id !== 'string') throw new Error('no envelope');
      } catch (err) {
        log?.error(
          { err, subject: m.subject, seq: m.seq, durable: spec.durable },
          'malformed event, terminated',
        );
        // A redelivery would fail the same way, forever. No reason text: servers before
        // 2.11 do not recognise `+TERM <reason>` and leave the message pending.
        m.term();
        return;
      }
      // Handlers slower than ack_wait would otherwise be redelivered while still running.
      const keepAlive = setInterval(() => m.working(), Math.max(1000, ackWaitMs / 2));
      try {
        await spec.handler(event, { attempt: m.info.deliveryCount });
        // ackAck: once it resolves, the server has recorded the ack, so stop() then
        // subscribe() never sees the event again.
        const ok = await m.ackAck().catch((err: unknown) => err);
        if (ok !== true)
          log?.warn({ err: ok, eventId: event.id }, 'ack not confirmed; the event may be redelivered');
      } catch (err) {
        const delayMs = err instanceof RetryLater ? err.delayMs : defaultDelay;
        const ctx = { eventId: event.id, durable: spec.durable, attempt: m.info.deliveryCount, delayMs };
        log?.warn({ err, ...ctx }, 'event handler failed, will retry');
        m.nak(delayMs);
      } finally {
        clearInterval(keepAlive);
      }
    };

    const pump = async (messages: ConsumerMessages, accept?: ReadonlySet<string>): Promise<void> => {
      for await (const m of messages) {
        if (accept && !accept.has(m.subject)) {
          m.ack(); // another type of the domain, only received because the server filters coarsely
          continue;
        }
        // Messages already buffered when stop() ran go back at once instead of after ack_wait.
        await semaphore.acquire(); // running handlers release it, also while stopping
        if (stopping) {
          semaphore.release();
          m.nak();
          continue;
        }
        void handle(m)
          .catch((err: unknown) => log?.error({ err, durable: spec.durable }, 'event delivery failed'))
          .finally(() => semaphore.release());
      }
    };

    const stop = async (): Promise<void> => {
      if (stopping) return;
      stopping = true;
      subscriptions.delete(subscription);
      const closing = consuming.map((c) => c.messages.close());
      await Promise.allSettled(consuming.map((c) => c.pumped));
      // Holding every slot means no handler is still running.
      for (let i = 0; i < concurrency; i++) await semaphore.acquire();
      await Promise.allSettled(closing);
    };
    const subscription: Subscription = { stop };

    try {
      for (const [domain, types] of byDomain) {
        await ensureStream(domain);
        const stream = domain.toUpperCase();
        const filter = filterFor(spec.durable, domain, types, modernServer);
        const name = filter.name;
        await ensureConsumer(jsm, stream, {
          durable_name: name,
          ...filter.config,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.All,
          ack_wait: nanos(ackWaitMs),
          max_ack_pending: concurrency,
          max_deliver: -1,
        });
        const consumer = await js.consumers.get(stream, name);
        const messages = await consumer.consume({ max_messages: concurrency });
        const pumped = pump(messages, filter.accept).catch((err: unknown) =>
          log?.error({ err, consumer: name }, 'consume loop ended'),
        );
        consuming.push({ messages, pumped });
        void logNotifications(messages, name, log).catch(() => undefined);
      }
    } catch (err) {
      await stop();
      throw err;
    }
    subscriptions.add(subscription);
    return subscription;
  }

  /**
   * One ordered consumer per type (ephemeral: in memory on the server, no acks, deleted on
   * stop() or 5 min after this process stops asking; the client recreates it after a hiccup
   * from the last sequence it saw). Per type, so that NATS 2.9 can filter it on the server.
   */
  async function listen(spec: ListenSpec): Promise<Subscription> {
    const pumps: { consumer: Consumer; messages: ConsumerMessages; pumped: Promise<void> }[] = [];
    const caughtUp: Promise<void>[] = [];
    const prefix = `${spec.name.replace(/[^A-Za-z0-9_-]/g, '_')}-${randomBytes(6).toString('hex')}`;
    const stop = async (): Promise<void> => {
      listeners.delete(subscription);
      await Promise.allSettled(pumps.map((p) => p.messages.close()));
      await Promise.allSettled(pumps.map((p) => p.pumped));
      if (!nc.isClosed()) await Promise.allSettled(pumps.map((p) => p.consumer.delete()));
    };
    const subscription: Subscription = { stop };
    try {
      for (const type of new Set(spec.types)) {
        await ensureStream(eventDomain(type));
        const consumer = await js.consumers.get(streamNameOf(type), {
          name_prefix: `${prefix}-${type.replace(/[^A-Za-z0-9_-]/g, '_')}`,
          filter_subjects: type,
          ...(spec.since
            ? { opt_start_time: spec.since.toISOString() }
            : { deliver_policy: DeliverPolicy.New }),
        });
        const stored = (await consumer.info(true)).num_pending;
        let reached: () => void = () => undefined;
        if (stored > 0) caughtUp.push(new Promise<void>((resolve) => (reached = resolve)));
        const messages = await consumer.consume();
        const pumped = (async () => {
          for await (const m of messages) {
            try {
              await spec.handler(m.json<EventEnvelope>());
            } catch (err) {
              log?.warn(
                { err, listener: spec.name, subject: m.subject, seq: m.seq },
                'event listener failed',
              );
            }
            if (m.info.pending === 0) reached();
          }
        })().catch((err: unknown) => log?.error({ err, listener: spec.name }, 'listen loop ended'));
        pumps.push({ consumer, messages, pumped });
      }
    } catch (err) {
      await stop();
      throw err;
    }
    listeners.add(subscription);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), CATCH_UP_TIMEOUT_MS);
    });
    const outcome = await Promise.race([Promise.all(caughtUp), late]).finally(() => clearTimeout(timer));
    if (outcome === 'late') log?.warn({ listener: spec.name }, 'listener goes on before its replay finished');
    return subscription;
  }

  async function publishEncoded(event: EncodedEvent): Promise<void> {
    if (closed) throw new Error('nats bus is closed');
    await ensureStream(eventDomain(event.type));
    // A duplicate id within the window gets a PubAck too (duplicate: true): already stored.
    await publisher.publish(event.type, event.body, event.id);
  }

  return {
    kind: 'nats',

    publish(event) {
      return publishEncoded({ id: event.id, type: event.type, body: JSON.stringify(event) });
    },

    publishEncoded,

    subscribe(spec) {
      if (closed) return Promise.reject(new Error('nats bus is closed'));
      return subscribe(spec);
    },

    listen(spec) {
      if (closed) return Promise.reject(new Error('nats bus is closed'));
      return listen(spec);
    },

    async ping() {
      // While reconnecting, the client buffers the flush; it would hang rather than fail.
      if (closed || nc.isClosed() || !connected) throw new Error('nats is not connected');
      await withTimeout(nc.flush(), PING_TIMEOUT_MS, 'nats ping');
    },

    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...subscriptions, ...listeners].map((s) => s.stop()));
      publisher.close();
      if (!nc.isClosed()) await nc.drain();
    },
  };
}

async function createStream(
  jsm: JetStreamManager,
  domain: string,
  dupWindowMs: number,
  maxAgeMs: number,
): Promise<void> {
  const name = domain.toUpperCase();
  try {
    // Idempotent for an identical config, and so safe when several processes race.
    await jsm.streams.add({
      name,
      subjects: [`${domain}.>`],
      duplicate_window: nanos(dupWindowMs),
      max_age: nanos(maxAgeMs),
    });
  } catch (err) {
    // It exists with other settings (made by ops, or another window): use it as it is.
    await jsm.streams.info(name).catch(() => Promise.reject(err as Error));
  }
}

type FilterConfig = Pick<ConsumerConfig, 'filter_subject'> | Pick<ConsumerConfig, 'filter_subjects'>;
type Filter = { name: string; config: FilterConfig; accept?: ReadonlySet<string> };

/**
 * The consumer of a subscription on one domain's stream: its name and subject filter. NATS
 * 2.10 added `filter_subjects` and reliable filter updates; a 2.9 server skips messages
 * after a durable's filter changes (ADR 0002). So on older servers a durable's filter is
 * fixed by its name: one type → that type, named after it (a subscription that changes its
 * type gets a new durable); several → the whole domain, and `accept` lists the types to
 * hand to the handler (the rest are acknowledged unseen).
 */
function filterFor(durable: string, domain: string, types: string[], modernServer: boolean): Filter {
  const name = consumerNameOf(durable, domain.toUpperCase());
  if (modernServer) return { name, config: { filter_subjects: types } };
  const [only] = types;
  if (types.length === 1 && only) {
    return {
      name: `${name}_${only.slice(domain.length + 1).replace(/[^A-Za-z0-9_-]/g, '_')}`,
      config: { filter_subject: only },
    };
  }
  return { name, config: { filter_subject: `${domain}.>` }, accept: new Set(types) };
}

async function ensureConsumer(
  jsm: JetStreamManager,
  stream: string,
  cfg: Partial<ConsumerConfig> & FilterConfig & { durable_name: string },
): Promise<void> {
  try {
    await jsm.consumers.add(stream, cfg);
  } catch (err) {
    // The durable exists with another config (types or concurrency changed): update it.
    if (!(err instanceof JetStreamApiError)) throw err;
    const { durable_name, ack_policy: _a, deliver_policy: _d, ...updatable } = cfg;
    await jsm.consumers.update(stream, durable_name, updatable);
  }
}

const NOTEWORTHY = new Set(
  'consumer_deleted consumer_not_found stream_not_found heartbeats_missed'.split(' '),
);

async function logNotifications(messages: ConsumerMessages, consumer: string, log?: Logger): Promise<void> {
  for await (const s of messages.status()) {
    if (NOTEWORTHY.has(s.type)) log?.warn({ consumer, notification: s }, 'jetstream consumer notification');
  }
}
