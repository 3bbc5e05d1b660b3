import type { ReadinessCheck } from '@mercato/platform/http';
import type { Dispatcher } from 'undici';
import type { Upstream } from './proxy/upstream.ts';

/**
 * One readiness check per configured upstream: its own `/health/ready` must answer 200
 * within timeoutMs. None is required: a gateway with one upstream down still serves every
 * other route (its breaker answers for the one down), so it reports itself degraded,
 * naming the upstream, instead of leaving the pool with all its peers (docs/adr/0007).
 * Calls bypass the circuit breaker so the probe reports the upstream as it is now.
 */
export function upstreamReadinessChecks(
  upstreams: Iterable<Upstream>,
  dispatcher: Dispatcher,
  timeoutMs: number,
): ReadinessCheck[] {
  return [...upstreams].map((up) => ({
    name: up.name,
    required: false,
    async check() {
      const res = await dispatcher.request({
        origin: up.origin,
        path: `${up.basePath}/health/ready`,
        method: 'GET',
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      await res.body.dump();
      if (res.statusCode !== 200) throw new Error(`${up.name} answered ${res.statusCode}`);
    },
  }));
}
