// HTTP benchmarks of the settings service, in distributed mode (one process per service
// on PostgreSQL, NATS and Redis) or embedded mode: a feature-flag evaluation and a
// setting read, each through the gateway and straight to the service, in the same run.
// Usage: node bench/http-scenarios.ts [--mode distributed|embedded] [--duration 10] [--connections 50]
import { serviceManifests } from '@mercato/contracts';
import { adminHeaders } from './admin-session.ts';
import {
  benchArgs,
  benchUrl,
  measureGets,
  startBenchPlatform,
  type ScenarioResult,
} from './bench-platform.ts';

const { mode, duration, connections } = benchArgs();
const { stop, pids } = await startBenchPlatform(mode);
const cpuOf = new Map([...pids].filter(([name]) => ['gateway', 'settings', 'mercato'].includes(name)));
const gateway = benchUrl(8080);
const settings = benchUrl(serviceManifests.settings.port);
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

const run = (scenario: string, base: string, p: string) =>
  measureGets(scenario, base, [p], { duration, connections }, cpuOf);

const evaluate = `/api/v1/feature-flags/${flagKey}/evaluate?subject=customer-42`;
const read = `/api/v1/settings/${settingKey}`;
const rows: ScenarioResult[] = [];
try {
  rows.push(await run('flag evaluation via gateway', gateway, evaluate));
  rows.push(await run('flag evaluation direct', settings, evaluate));
  rows.push(await run('setting read via gateway', gateway, read));
  rows.push(await run('setting read direct', settings, read));
} finally {
  await stop();
}
console.log(JSON.stringify({ mode, connections, durationSeconds: duration, rows }, null, 2));
console.table(rows);
process.exit(0);
