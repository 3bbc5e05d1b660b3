import assert from 'node:assert/strict';
import { ProxyTracerProvider, trace } from '@opentelemetry/api';
import { test } from 'node:test';
import { startTelemetry } from './index.ts';

test('without OTEL_EXPORTER_OTLP_ENDPOINT tracing stays off: no tracer provider is registered', async () => {
  delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const telemetry = await startTelemetry('quiet');
  const provider = trace.getTracerProvider();
  assert.ok(provider instanceof ProxyTracerProvider);
  assert.equal(provider.getDelegateTracer('any'), undefined, 'an SDK tracer provider was registered');
  assert.equal(trace.getTracer('any').startSpan('probe').isRecording(), false);
  await telemetry.shutdown();
});
