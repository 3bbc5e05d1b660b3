import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';

// End to end: a service process with OTEL_EXPORTER_OTLP_ENDPOINT pointing at a collector
// this test runs; what the process exports over OTLP/HTTP JSON is asserted span by span.

const CHILD = new URL('./fixtures/traced-service.ts', import.meta.url).pathname;
const TRACE = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN = 'b7ad6b7169203331';

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: OtlpValue }[];
}
interface OtlpBody {
  resourceSpans: {
    resource: { attributes: { key: string; value: OtlpValue }[] };
    scopeSpans: { spans: OtlpSpan[] }[];
  }[];
}

const SERVER = 2;
const CLIENT = 3;
const CONSUMER = 5;

const exports: { path: string | undefined; contentType: string | undefined; body: OtlpBody }[] = [];
let collector: Server;
let child: ChildProcessWithoutNullStreams | undefined;

before(async () => {
  collector = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      exports.push({
        path: req.url,
        contentType: req.headers['content-type'],
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpBody,
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  collector.listen(0, '127.0.0.1');
  await once(collector, 'listening');
});

after(() => {
  child?.kill('SIGKILL');
  collector.close();
});

/** Lines the child prints as JSON, in order, as they come. */
function jsonLines(proc: ChildProcessWithoutNullStreams): AsyncIterator<Record<string, unknown>> {
  const lines = createInterface({ input: proc.stdout });
  const iterator = lines[Symbol.asyncIterator]();
  return {
    async next() {
      for (;;) {
        const { value, done } = await iterator.next();
        if (done) return { value: undefined, done: true };
        const line = String(value);
        // Logs are JSON too; the fixture's own lines have no `level`.
        if (!line.startsWith('{')) continue;
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (!('level' in parsed)) return { value: parsed, done: false };
      }
    },
  };
}

async function nextLine(lines: AsyncIterator<Record<string, unknown>>): Promise<Record<string, unknown>> {
  const { value, done } = await lines.next();
  assert.ok(!done, 'the traced service exited early');
  return value;
}

const attr = (span: OtlpSpan, key: string) => span.attributes.find((a) => a.key === key)?.value.stringValue;

test(
  'a request and the event it causes are exported as one trace continuing the caller traceparent',
  { timeout: 30_000 },
  async () => {
    const { port: collectorPort } = collector.address() as AddressInfo;
    child = spawn(process.execPath, [CHILD], {
      env: {
        ...process.env,
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collectorPort}`,
        OTEL_BSP_SCHEDULE_DELAY: '100',
        LOG_LEVEL: 'warn',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const lines = jsonLines(child);
    const { port, probe, echoed } = (await nextLine(lines)) as {
      port: number;
      probe: string;
      echoed: { traceparent: string };
    };
    const base = `http://127.0.0.1:${port}`;

    assert.equal((await fetch(`${base}/health/live`)).status, 200);
    const res = await fetch(`${base}/orders`, {
      method: 'POST',
      headers: { traceparent: `00-${TRACE}-${CALLER_SPAN}-01` },
    });
    assert.equal(res.status, 201);
    const created = (await res.json()) as { contextTraceparent: string; echoed: string };
    const handled = (await nextLine(lines)) as { handled: string; traceparent: string };

    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    assert.equal(code, 0, `the traced service failed: ${stderr}`);

    assert.ok(exports.length > 0, 'no spans were exported');
    for (const e of exports) {
      assert.equal(e.path, '/v1/traces');
      assert.match(e.contentType ?? '', /^application\/json/);
    }
    const resources = exports.flatMap((e) => e.body.resourceSpans);
    for (const r of resources) {
      const name = r.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue;
      assert.equal(name, 'mercato-traced');
    }
    const spans = resources.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));

    const server = spans.find((s) => s.kind === SERVER && s.name === 'POST /orders');
    assert.ok(server, `no server span for POST /orders in ${spans.map((s) => s.name).join(', ')}`);
    assert.equal(server.traceId, TRACE);
    assert.equal(server.parentSpanId, CALLER_SPAN);
    assert.equal(attr(server, 'http.route'), '/orders');
    assert.equal(
      created.contextTraceparent,
      `00-${TRACE}-${server.spanId}-01`,
      'logs would carry another trace',
    );

    const consumer = spans.find((s) => s.kind === CONSUMER);
    assert.ok(consumer, 'no span for the event');
    assert.equal(consumer.name, 'setting.changed process');
    assert.equal(consumer.traceId, TRACE);
    assert.equal(consumer.parentSpanId, server.spanId, 'the event does not continue the request span');
    assert.equal(attr(consumer, 'messaging.message.id'), handled.handled);
    assert.equal(attr(consumer, 'messaging.consumer.group.name'), 'traced-orders');
    assert.equal(handled.traceparent, `00-${TRACE}-${consumer.spanId}-01`);

    // The kit's client set traceparent from the request context; the undici client span's
    // must be the only one the upstream receives.
    const call = spans.find((s) => s.kind === CLIENT && attr(s, 'url.path') === '/echo');
    assert.ok(call, 'no client span for the call to /echo');
    assert.equal(call.traceId, TRACE);
    assert.equal(call.parentSpanId, server.spanId);
    assert.equal(created.echoed, `00-${TRACE}-${call.spanId}-01`);
    const echo = spans.find((s) => s.kind === SERVER && s.name === 'GET /echo' && s.traceId === TRACE);
    assert.equal(echo?.parentSpanId, call.spanId);

    assert.ok(!spans.some((s) => s.name.includes('/health')), 'health probes were traced');

    // Outside any span, a traceparent set by hand is delivered as is and continued.
    assert.equal(echoed.traceparent, probe);
    const probed = spans.find((s) => s.kind === SERVER && s.traceId === probe.slice(3, 35));
    assert.equal(probed?.parentSpanId, probe.slice(36, 52));
  },
);
