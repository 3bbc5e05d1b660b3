import type { EventEnvelope } from '@mercato/contracts';
import {
  ProxyTracerProvider,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Attributes,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { isTraceparent } from '../context/index.ts';

const TRACER = '@mercato/platform';

/**
 * The SDK's tracer, or undefined while no SDK is registered (tracing off). The API always
 * hands out a proxy provider; asking it for its delegate is a property check, so the
 * callers' fast path (no span objects, no context copies) costs next to nothing.
 */
function sdkTracer(): Tracer | undefined {
  const provider = trace.getTracerProvider();
  return provider instanceof ProxyTracerProvider
    ? provider.getDelegateTracer(TRACER)
    : provider.getTracer(TRACER);
}

/**
 * The W3C traceparent of the active span (e.g. the HTTP server span or an event's
 * consumer span), written by the registered propagator; undefined when no span is
 * active (tracing off) or the propagator writes none.
 */
export function activeTraceparent(): string | undefined {
  const active = context.active();
  if (!trace.getSpan(active)) return undefined;
  const carrier: { traceparent?: string } = {};
  propagation.inject(active, carrier);
  return isTraceparent(carrier.traceparent) ? carrier.traceparent : undefined;
}

/**
 * Names the active HTTP server span after the route template (`POST /api/v1/orders`, with
 * `http.route`; the http instrumentation knows only the method) and returns its
 * traceparent. Undefined when no span is active (tracing off): one context lookup.
 */
export function serverSpanTraceparent(method: string, route: string | undefined): string | undefined {
  const span = trace.getActiveSpan();
  if (!span) return undefined;
  if (route) {
    span.updateName(`${method} ${route}`);
    span.setAttribute('http.route', route);
  }
  return activeTraceparent();
}

/** What the consumer span says about the event it processes. */
export interface ConsumerSpanInfo {
  event: EventEnvelope;
  /** The durable consumer's name, `<service>-<subscription>`. */
  consumer: string;
  system: string;
}

/**
 * Runs fn inside a CONSUMER span `<event.type> process` whose parent is the event's
 * traceparent (the span that wrote it to the outbox), so an HTTP request and the events
 * it causes form one trace. fn receives the span's traceparent for the request context.
 * A failure marks the span ERROR with the exception. Tracing off: fn runs directly.
 */
export function inConsumerSpan<T>(
  info: ConsumerSpanInfo,
  fn: (traceparent: string | undefined) => Promise<T>,
): Promise<T> {
  const tracer = sdkTracer();
  if (!tracer) return fn(info.event.traceparent);
  const { event } = info;
  const parent = event.traceparent
    ? propagation.extract(ROOT_CONTEXT, { traceparent: event.traceparent })
    : ROOT_CONTEXT;
  const attributes: Attributes = {
    'messaging.system': info.system,
    'messaging.operation.type': 'process',
    'messaging.operation.name': 'process',
    'messaging.destination.name': event.type,
    'messaging.message.id': event.id,
    'messaging.consumer.group.name': info.consumer,
  };
  return tracer.startActiveSpan(
    `${event.type} process`,
    { kind: SpanKind.CONSUMER, attributes },
    parent,
    async (span: Span) => {
      try {
        return await fn(activeTraceparent() ?? event.traceparent);
      } catch (err) {
        span.recordException(err instanceof Error ? err : String(err));
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: err instanceof Error ? err.message : String(err),
        });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}
