// The image's HEALTHCHECK: asks the process this container runs (PID 1, started by
// deploy/entrypoint.sh) whether it is ready. A service or the gateway: GET /health/ready on
// PORT or its manifest's port; the simulators (no health route): a TCP connect to a port.
import { isServiceName, serviceManifests } from '@mercato/contracts';
import { CARRIER_SIMULATOR_PORT, PSP_SIMULATOR_PORT } from '@mercato/simulators';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';

/** What to ask: an HTTP readiness route or, without one, an open port. */
export type HealthTarget = { kind: 'http'; url: string } | { kind: 'tcp'; port: number };

/** The gateway's default port (services/gateway/src/config.ts). */
const GATEWAY_PORT = 8080;

/** The target for a process started with these arguments, in this environment. */
export function healthTarget(args: readonly string[], env: NodeJS.ProcessEnv): HealthTarget | undefined {
  const entry = args.find((a) => /(services\/[a-z-]+|apps\/simulators)\/src\/main\.ts$/.test(a));
  if (!entry) return undefined;
  if (entry.endsWith('apps/simulators/src/main.ts')) {
    const port = env.PSP_SECRET_KEY
      ? (env.PSP_SIMULATOR_PORT ?? PSP_SIMULATOR_PORT)
      : (env.CARRIER_SIMULATOR_PORT ?? CARRIER_SIMULATOR_PORT);
    return { kind: 'tcp', port: Number(port) };
  }
  const name = /services\/([a-z-]+)\/src\/main\.ts$/.exec(entry)?.[1] ?? '';
  const fallback = name === 'gateway' ? GATEWAY_PORT : isServiceName(name) ? serviceManifests[name].port : 0;
  const port = Number(env.PORT ?? fallback);
  return port > 0 ? { kind: 'http', url: `http://127.0.0.1:${port}/health/ready` } : undefined;
}

/** Whether the target answers: 2xx for HTTP, an accepted connection for TCP. */
export async function isHealthy(target: HealthTarget, timeoutMs = 2500): Promise<boolean> {
  if (target.kind === 'http') {
    const res = await fetch(target.url, { signal: AbortSignal.timeout(timeoutMs) }).catch(() => undefined);
    return res !== undefined && res.ok;
  }
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: target.port, timeout: timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

if (import.meta.main) {
  const args = readFileSync('/proc/1/cmdline', 'utf8').split('\0');
  const target = healthTarget(args, process.env);
  if (!target) {
    process.stderr.write(`healthcheck: no Mercato process found in ${JSON.stringify(args)}\n`);
    process.exit(1);
  }
  process.exit((await isHealthy(target)) ? 0 : 1);
}
