// The platform a benchmark runs against: ports offset by 10000 (so a developer's own
// platform can keep running, and every port stays below the kernel's ephemeral range, where
// a readiness poll can connect to itself), quiet logs, the bench admin and high rate limits.
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { distributedOptionsFromEnv, startDistributed } from '../apps/mercato/src/distributed.ts';
import { embeddedOptionsFromEnv, startEmbedded } from '../apps/mercato/src/embedded.ts';
import { runMaintenance } from '../apps/mercato/src/maintenance.ts';
import { platformPorts, portsInEphemeralRange } from '../apps/mercato/src/port-range.ts';
import { prepareBenchEnv } from './admin-session.ts';

/**
 * Added to every port of the benchmark's platform: 10000, or `BENCH_PORT_OFFSET` to run
 * two benchmarks side by side (the shared machine: another engineer's bench on the default
 * offset failed this one's simulators with EADDRINUSE); checked against the ephemeral range
 * in prepareBenchProcess.
 */
export const BENCH_PORT_OFFSET = Number(process.env.BENCH_PORT_OFFSET || 10_000);

/** The benchmark's address of a service's standard port (8080 → http://127.0.0.1:18080). */
export const benchUrl = (port: number): string => `http://127.0.0.1:${port + BENCH_PORT_OFFSET}`;

/** Sets the environment every benchmark platform runs with (before anything starts). */
export function prepareBenchProcess(): void {
  if (!Number.isInteger(BENCH_PORT_OFFSET) || BENCH_PORT_OFFSET < 0) {
    throw new Error(`BENCH_PORT_OFFSET must be a whole number, not ${process.env.BENCH_PORT_OFFSET}`);
  }
  const unsafe = portsInEphemeralRange(platformPorts(BENCH_PORT_OFFSET));
  if (unsafe.length > 0) throw new Error(`bench ports in the ephemeral range: ${unsafe.join(', ')}`);
  process.env.MERCATO_PORT_OFFSET = String(BENCH_PORT_OFFSET);
  process.env.LOG_LEVEL = 'warn';
  prepareBenchEnv();
}

/**
 * Starts the platform in embedded mode (on a fresh PGlite directory, demo data seeded) or
 * distributed mode (the demo seed loaded into the services' databases first when `seed`).
 */
export async function startBenchPlatform(
  mode: string,
  opts: { seed?: boolean } = {},
): Promise<{ stop(): Promise<void>; pids: ReadonlyMap<string, number> }> {
  prepareBenchProcess();
  if (mode === 'embedded') {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'mercato-bench-'));
    const p = await startEmbedded({ ...embeddedOptionsFromEnv(), dataDir, seed: true });
    return {
      // One process for all: its CPU time is the gateway's and every service's together.
      pids: new Map([['mercato', process.pid]]),
      async stop() {
        await p.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  }
  if (opts.seed) await runMaintenance('seed', 'distributed');
  const p = await startDistributed(distributedOptionsFromEnv());
  return { stop: p.stop, pids: p.pids };
}

/** The options every HTTP benchmark takes: `--mode`, `--duration` (s), `--connections`. */
export function benchArgs(): { mode: string; duration: number; connections: number } {
  const { values } = parseArgs({
    options: {
      mode: { type: 'string', default: 'distributed' },
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '50' },
    },
  });
  return {
    mode: values.mode ?? 'distributed',
    duration: Number(values.duration),
    connections: Number(values.connections),
  };
}

/** One measured scenario. */
export interface ScenarioResult {
  scenario: string;
  /** the path, or how many distinct requests were cycled through */
  path: string;
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  total: number;
  /** The machine's 1-minute load average when the run ended (the box is shared). */
  load1m: number;
  /** CPU µs per request of each process asked for (user + system time from /proc during the run). */
  cpuUsPerRequest?: Record<string, number>;
}

/** CPU time (user + system) a process has used, in µs (Linux /proc; clock ticks of 10 ms). */
export function processCpuUs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (in parentheses, which may hold spaces): utime is the 14th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/**
 * Loads base with GETs of paths (cycled through, one after the other on each connection):
 * a 2 s warm-up that fills caches and pools, then the measured run.
 */
export function measureGets(
  scenario: string,
  base: string,
  paths: readonly string[],
  load: { duration: number; connections: number },
  cpuOf?: ReadonlyMap<string, number>,
): Promise<ScenarioResult> {
  const requests = paths.map((p) => ({ method: 'GET' as const, path: p }));
  const path = paths.length === 1 ? paths[0]! : `${paths.length} paths`;
  return measure(scenario, path, base, requests, load, cpuOf);
}

/** Loads base with autocannon requests: a 2 s warm-up (pools, JIT, caches), then the measured run. */
export async function measure(
  scenario: string,
  path: string,
  base: string,
  requests: autocannon.Request[],
  load: { duration: number; connections: number },
  cpuOf?: ReadonlyMap<string, number>,
): Promise<ScenarioResult> {
  await autocannon({ url: base, connections: load.connections, duration: 2, requests });
  const before = new Map([...(cpuOf ?? [])].map(([name, pid]) => [name, processCpuUs(pid)]));
  const r = await autocannon({ url: base, connections: load.connections, duration: load.duration, requests });
  const cpuUsPerRequest: Record<string, number> = {};
  for (const [name, pid] of cpuOf ?? [])
    cpuUsPerRequest[name] = Math.round(
      (processCpuUs(pid) - (before.get(name) ?? 0)) / Math.max(1, r.requests.total),
    );
  return {
    scenario,
    path,
    reqPerSec: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors,
    non2xx: r.non2xx,
    total: r.requests.total,
    load1m: Math.round(loadavg()[0]! * 10) / 10,
    ...(cpuOf && { cpuUsPerRequest }),
  };
}
