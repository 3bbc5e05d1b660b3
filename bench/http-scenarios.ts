// HTTP benchmarks of the settings service, in distributed mode (one process per service
// on PostgreSQL, NATS and Redis) or embedded mode: a feature-flag evaluation and a
// setting read, each through the gateway and straight to the service, in the same run.
// Usage: node bench/http-scenarios.ts [--mode distributed|embedded] [--duration 10] [--connections 50]
import autocannon from 'autocannon';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { distributedOptionsFromEnv, startDistributed } from '../apps/mercato/src/distributed.ts';
import { embeddedOptionsFromEnv, startEmbedded } from '../apps/mercato/src/embedded.ts';
import { adminHeaders, prepareBenchEnv } from './admin-session.ts';

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'distributed' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const offset = 30_000;
process.env.MERCATO_PORT_OFFSET = String(offset);
process.env.LOG_LEVEL = 'warn';
prepareBenchEnv();

let stop: () => Promise<void>;
let dataDir: string | undefined;
if (values.mode === 'embedded') {
  dataDir = await mkdtemp(path.join(tmpdir(), 'mercato-bench-'));
  const p = await startEmbedded({ ...embeddedOptionsFromEnv(), dataDir, seed: true });
  stop = p.close;
} else {
  const p = await startDistributed(distributedOptionsFromEnv());
  stop = p.stop;
}

const gateway = `http://127.0.0.1:${8080 + offset}`;
const settings = `http://127.0.0.1:${8114 + offset}`;
const flagKey = `bench-flag-${Date.now()}`;
const settingKey = `bench.setting.${Date.now()}`;

const admin = await adminHeaders(gateway);
async function call(method: string, url: string, body: unknown): Promise<void> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...admin },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
}
await call('POST', `${gateway}/api/v1/feature-flags`, {
  key: flagKey,
  enabled: true,
  rolloutPercentage: 50,
  allowList: ['vip-1'],
});
await call('PUT', `${gateway}/api/v1/settings/${settingKey}`, {
  value: { currency: 'EUR', taxIncluded: true },
});

interface Row {
  scenario: string;
  path: string;
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function run(scenario: string, base: string, p: string): Promise<Row> {
  // Warm-up: fills caches and connection pools.
  await autocannon({ url: base + p, connections, duration: 2 });
  const r = await autocannon({ url: base + p, connections, duration });
  return {
    scenario,
    path: p,
    reqPerSec: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors,
    non2xx: r.non2xx,
  };
}

const evaluate = `/api/v1/feature-flags/${flagKey}/evaluate?subject=customer-42`;
const read = `/api/v1/settings/${settingKey}`;
const rows: Row[] = [];
try {
  rows.push(await run('flag evaluation via gateway', gateway, evaluate));
  rows.push(await run('flag evaluation direct', settings, evaluate));
  rows.push(await run('setting read via gateway', gateway, read));
  rows.push(await run('setting read direct', settings, read));
} finally {
  await stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}
console.log(JSON.stringify({ mode: values.mode, connections, durationSeconds: duration, rows }, null, 2));
console.table(rows);
process.exit(0);
