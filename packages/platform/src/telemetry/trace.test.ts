import assert from 'node:assert/strict';
import type { PGlite } from '@electric-sql/pglite';
import type { EventEnvelope } from '@mercato/contracts';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { NodeSDK, core } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { after, before, describe, test } from 'node:test';
import { runWithContext } from '../context/index.ts';
import { createDatabase, openPGlite, type Database } from '../db/database.ts';
import { migrate, platformMigrations } from '../db/migrator.ts';
import { createOutbox } from '../messaging/outbox.ts';
import { activeTraceparent, inConsumerSpan, serverSpanTraceparent } from './trace.ts';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';

function event(overrides: Partial<EventEnvelope> = {}): EventEnvelope {
  return {
    id: '01a20f46-0e62-76c4-a266-f0d3baa8790a',
    type: 'order.created',
    version: 1,
    source: 'order',
    time: new Date().toISOString(),
    subject: 'o-1',
    correlationId: 'c-1',
    traceparent: `00-${TRACE}-${PARENT}-01`,
    data: {},
    ...overrides,
  };
}

const info = (e: EventEnvelope) => ({ event: e, consumer: 'inventory-orders', system: 'nats' });

const REQUEST_TP = `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01`;
const outbox = createOutbox<string>({ checkSchemas: false, source: 'trace-test', schema: 'tracet' });
let pglite: PGlite;
let database: Database;

before(async () => {
  pglite = await openPGlite();
  database = createDatabase({ kind: 'pglite', pglite }, 'tracet');
  await migrate(database, await platformMigrations());
});
after(async () => {
  await database.close();
  await pglite.close();
});

/** A valid order.created body (the outbox checks data against the registered schema). */
const ORDER_CREATED = {
  orderId: '0190a000-0000-7000-8000-000000000001',
  orderNumber: 'MC-0000001',
  customerId: null,
  checkoutId: 'c-1',
  total: { amount: 100, currency: 'USD' },
  lines: [{ sku: 'S-1', quantity: 1, unitPrice: { amount: 100, currency: 'USD' } }],
};

/** The traceparent the outbox writes into an event drafted inside the request context. */
function outboxTraceparent(): Promise<string | undefined> {
  return runWithContext({ correlationId: 'c-1', traceparent: REQUEST_TP }, () =>
    database.transaction(async (trx) => {
      const env = await outbox.add(trx, { type: 'order.created', subject: 'o-1', data: ORDER_CREATED });
      return env.traceparent;
    }),
  );
}

// Tests run in order: first with no SDK registered, then with one exporting to memory.
describe('tracing off', () => {
  test('the handler runs with the event traceparent and no span is made', async () => {
    let seen: string | undefined;
    await inConsumerSpan(info(event()), async (tp) => {
      seen = tp;
      assert.equal(trace.getActiveSpan(), undefined);
    });
    assert.equal(seen, `00-${TRACE}-${PARENT}-01`);
  });

  test('the outbox writes the request context traceparent into events', async () => {
    assert.equal(await outboxTraceparent(), REQUEST_TP);
  });

  test('there is no active traceparent and no server span to name', () => {
    assert.equal(activeTraceparent(), undefined);
    assert.equal(serverSpanTraceparent('GET', '/things'), undefined);
  });
});

describe('tracing on', () => {
  const exporter = new InMemorySpanExporter();
  const sdk = new NodeSDK({
    autoDetectResources: false,
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    textMapPropagator: new core.W3CTraceContextPropagator(),
    instrumentations: [],
    metricReaders: [],
    logRecordProcessors: [],
  });
  // In a hook: describe bodies run when tests are collected, before the 'off' tests run.
  before(() => sdk.start());
  after(() => sdk.shutdown());

  test('an event is processed in a CONSUMER span that continues the trace it was written in', async () => {
    exporter.reset();
    let inside: string | undefined;
    const result = await inConsumerSpan(info(event()), async (tp) => {
      inside = tp;
      return 'done';
    });
    assert.equal(result, 'done');
    const [span] = exporter.getFinishedSpans();
    assert.ok(span);
    assert.equal(span.name, 'order.created process');
    assert.equal(span.kind, SpanKind.CONSUMER);
    assert.equal(span.spanContext().traceId, TRACE);
    assert.equal(span.parentSpanContext?.spanId, PARENT);
    assert.deepEqual(span.attributes, {
      'messaging.system': 'nats',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': 'order.created',
      'messaging.message.id': '01a20f46-0e62-76c4-a266-f0d3baa8790a',
      'messaging.consumer.group.name': 'inventory-orders',
    });
    assert.equal(inside, `00-${TRACE}-${span.spanContext().spanId}-01`, 'the handler sees its own span');
  });

  test('a failing handler marks its span ERROR with the exception, and the error still reaches the caller', async () => {
    exporter.reset();
    await assert.rejects(
      inConsumerSpan(info(event()), async () => {
        throw new Error('stock table locked');
      }),
      /stock table locked/,
    );
    const [span] = exporter.getFinishedSpans();
    assert.equal(span?.status.code, SpanStatusCode.ERROR);
    assert.equal(span?.status.message, 'stock table locked');
    assert.equal(span?.events[0]?.name, 'exception');
  });

  test('an event without traceparent starts a trace of its own', async () => {
    exporter.reset();
    await inConsumerSpan(info(event({ traceparent: undefined })), async () => {});
    const [span] = exporter.getFinishedSpans();
    assert.ok(span);
    assert.notEqual(span.spanContext().traceId, TRACE);
    assert.equal(span.parentSpanContext, undefined);
  });

  test('the outbox writes the active span into events, so their consumers become its children', async () => {
    const span = trace.getTracer('t').startSpan('place order');
    const written = await context.with(trace.setSpan(context.active(), span), outboxTraceparent);
    span.end();
    assert.equal(written, `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
  });

  test('the active span is what events and the request context carry, and names after the route', () => {
    const span = trace.getTracer('t').startSpan('GET');
    context.with(trace.setSpan(context.active(), span), () => {
      const expected = `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`;
      assert.equal(activeTraceparent(), expected);
      assert.equal(serverSpanTraceparent('GET', '/things/:id'), expected);
    });
    span.end();
    const finished = exporter
      .getFinishedSpans()
      .find((s) => s.spanContext().spanId === span.spanContext().spanId);
    assert.equal(finished?.name, 'GET /things/:id');
    assert.equal(finished?.attributes['http.route'], '/things/:id');
  });
});
