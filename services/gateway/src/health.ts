import type { ReadinessCheck } from '@mercato/platform/http';
import type { Dispatcher } from 'undici';
import type { Upstream } from './proxy/upstream.ts';

/**
 * One readiness check per configured upstream: its own `/health/ready` must answer 200
 * within timeoutMs. The kit's /health/ready runs them in parallel and answers 503 with
 * every upstream's status when one is not ready. Calls bypass the circuit breaker so the
 * probe reports the upstream as it is now.
 */
export function upstreamReadinessChecks(
  upstreams: Iterable<Upstream>,
  dispatcher: Dispatcher,
  timeoutMs: number,
): ReadinessCheck[] {
  return [...upstreams].map((up) => ({
    name: up.name,
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
