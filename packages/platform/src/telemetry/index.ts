/** A running telemetry SDK (or nothing, when tracing is off). */
export interface Telemetry {
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry tracing when OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise does
 * nothing (correlation still works through X-Correlation-ID and traceparent in events).
 */
export async function startTelemetry(service: string): Promise<Telemetry> {
  if (!process.env.OTEL_EXPORTER_OTLP_ENDPOINT) return { shutdown: async () => {} };
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': `mercato-${service}` }),
    traceExporter: new OTLPTraceExporter(),
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}
