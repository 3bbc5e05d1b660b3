import { trace } from '@opentelemetry/api';
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { Logger } from '../logging/index.ts';

export { activeTraceparent, inConsumerSpan, serverSpanTraceparent, type ConsumerSpanInfo } from './trace.ts';

/** A running telemetry SDK (or nothing, when tracing is off). */
export interface Telemetry {
  /** Flushes the spans still buffered and stops the SDK. */
  shutdown(): Promise<void>;
}

/** Probes and scrapes: traced, they would drown the traces that matter. */
const UNTRACED = /^\/(?:health\/(?:live|ready)|metrics)(?:\?|$)/;

/** Trace-context headers a caller (the kit's client, the gateway's proxy) may already have set. */
const TRACE_HEADERS = new Set(['traceparent', 'tracestate']);

/**
 * Drops trace-context headers already on an outgoing undici request, so the one the
 * instrumentation injects next (its client span) is the only one: undici appends headers,
 * and two traceparent values arrive joined by a comma, which no server can continue.
 */
function dropTraceHeaders(request: { headers: string | (string | string[])[] }): void {
  const { headers } = request;
  if (typeof headers === 'string') {
    request.headers = headers
      .split('\r\n')
      .filter((line) => !TRACE_HEADERS.has(line.slice(0, line.indexOf(':')).trim().toLowerCase()))
      .join('\r\n');
    return;
  }
  for (let i = headers.length - 2; i >= 0; i -= 2) {
    const name = headers[i];
    if (typeof name === 'string' && TRACE_HEADERS.has(name.toLowerCase())) headers.splice(i, 2);
  }
}

/** Whether an outgoing undici request already names a parent trace (a traceparent header). */
function hasTraceparent(request: { headers: string | (string | string[])[] }): boolean {
  const { headers } = request;
  if (typeof headers === 'string') return /(?:^|\r\n)traceparent:/i.test(headers);
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i];
    if (typeof name === 'string' && name.toLowerCase() === 'traceparent') return true;
  }
  return false;
}

let running: Promise<Telemetry> | undefined;

/** How long shutdown waits for the last spans to leave; an absent collector must not hold up an exit. */
const FLUSH_DEADLINE_MS = 5_000;

/** Where startTelemetry reports what goes wrong with exporting (the service's logger). */
export interface TelemetryOptions {
  logger?: Pick<Logger, 'warn'>;
}

/**
 * Starts OpenTelemetry tracing when OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise does
 * nothing (correlation still works through X-Correlation-ID and traceparent in events).
 *
 * On: spans of inbound HTTP (node:http, so every Fastify request), outbound HTTP over
 * undici (the kit's client, the gateway's proxy, fetch) and event processing (the kit's
 * consumers), W3C trace context, exported as OTLP/HTTP JSON to the endpoint
 * (`<endpoint>/v1/traces`) by a batch processor (OTEL_BSP_* tune it). Traces only.
 * Safe to call again: the first SDK is returned.
 */
export function startTelemetry(service: string, opts: TelemetryOptions = {}): Promise<Telemetry> {
  if (!process.env.OTEL_EXPORTER_OTLP_ENDPOINT) return Promise.resolve({ shutdown: async () => {} });
  running ??= start(service, opts);
  return running;
}

async function start(service: string, opts: TelemetryOptions): Promise<Telemetry> {
  const [{ NodeSDK, core }, { OTLPTraceExporter }, { HttpInstrumentation }, { UndiciInstrumentation }] =
    await Promise.all([
      import('@opentelemetry/sdk-node'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/instrumentation-http'),
      import('@opentelemetry/instrumentation-undici'),
    ]);
  const sdk = new NodeSDK({
    serviceName: `mercato-${service}`,
    traceExporter: new OTLPTraceExporter(),
    textMapPropagator: new core.W3CTraceContextPropagator(),
    // Empty rather than absent: absent, the SDK reads OTEL_METRICS_EXPORTER/OTEL_LOGS_EXPORTER
    // and defaults both to OTLP; metrics are prom-client's (/metrics) and logs pino's.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req: IncomingMessage) => UNTRACED.test(req.url ?? ''),
      }),
      new UndiciInstrumentation({
        // Outside any span (a worker resuming a stored trace) a traceparent set by hand is the
        // only link to its trace; a client span there would start a new one, so leave it alone.
        ignoreRequestHook: (request) => !trace.getActiveSpan() && hasTraceparent(request),
        requestHook: (_span, request) => dropTraceHeaders(request),
      }),
    ],
  });
  sdk.start();
  // The http instrumentation patches node:http through a require hook, which fires on the
  // next require of the module. Fastify (CommonJS) required node:http when main.ts imported
  // the kit, before this ran; requiring it once more now lets the hook patch the one shared
  // module object in place (Server.prototype.emit, request, get), so servers created from
  // here on are traced without a --import preload. undici is traced through
  // diagnostics_channel and needs no patching.
  const require = createRequire(import.meta.url);
  require('node:http');
  require('node:https');
  return {
    // Never rejects: spans that cannot be delivered are lost, and the process still exits cleanly.
    async shutdown() {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), FLUSH_DEADLINE_MS);
      });
      try {
        const outcome = await Promise.race([sdk.shutdown().then(() => 'flushed' as const), deadline]);
        if (outcome === 'late')
          opts.logger?.warn('telemetry: spans not flushed in time, dropped at shutdown');
      } catch (err) {
        opts.logger?.warn({ err }, 'telemetry: spans could not be exported at shutdown');
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
