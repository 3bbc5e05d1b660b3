import { Counter, Gauge, type Registry } from 'prom-client';

/** Per-upstream series the gateway adds to the kit's registry (served on /metrics). */
export interface UpstreamMetrics {
  requests: Counter<'upstream'>;
  failures: Counter<'upstream' | 'reason'>;
  rejected: Counter<'upstream'>;
  circuitState: Gauge<'upstream'>;
}

/** Registers the gateway's upstream metrics in registry. */
export function createUpstreamMetrics(registry: Registry): UpstreamMetrics {
  const registers = [registry];
  return {
    requests: new Counter({
      name: 'gateway_upstream_requests_total',
      help: 'Calls the gateway sent to an upstream',
      labelNames: ['upstream'],
      registers,
    }),
    failures: new Counter({
      name: 'gateway_upstream_failures_total',
      help: 'Upstream calls that counted against the circuit (timeout, unavailable, bad_status, error)',
      labelNames: ['upstream', 'reason'],
      registers,
    }),
    rejected: new Counter({
      name: 'gateway_upstream_rejected_total',
      help: 'Requests answered 503 at once because the upstream circuit was open',
      labelNames: ['upstream'],
      registers,
    }),
    circuitState: new Gauge({
      name: 'gateway_upstream_circuit_state',
      help: 'Circuit breaker state per upstream: 0 closed, 1 open, 2 half-open, 3 isolated',
      labelNames: ['upstream'],
      registers,
    }),
  };
}
