// What token verification and rate limiting cost at the gateway (issue #3), in distributed
// mode (a process per service on PostgreSQL, NATS and Redis), in one run:
// - a flag evaluation through the gateway without credentials, then with an admin's access
//   token (signed in through identity, so it verifies against identity's JWKS), alternated
//   over two rounds; the same with a second gateway process that verifies the signature on
//   every request (TOKEN_CACHE_SIZE=0); and straight to the settings service, which verifies
//   the token itself;
// - sign-in throughput (POST /api/v1/auth/login, argon2id at identity's configured cost);
// - the kit verifier's cost per uncached verification, in this process.
// Usage: node bench/auth-overhead.ts [--duration 10] [--connections 50] [--login-connections 10]
import { localServiceUrl } from '@mercato/contracts';
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { createTokenVerifier } from '@mercato/platform/auth';
import { distributedOptionsFromEnv, startDistributed } from '../apps/mercato/src/distributed.ts';
import { gatewayMain } from '../apps/mercato/src/service-registry.ts';
import { waitReady } from '../apps/mercato/src/wait-ready.ts';
import { adminHeaders, BENCH_ADMIN } from './admin-session.ts';
import { BENCH_PORT_OFFSET, prepareBenchProcess } from './bench-platform.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    'login-connections': { type: 'string', default: '10' },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const offset = BENCH_PORT_OFFSET;
prepareBenchProcess();

const opts = distributedOptionsFromEnv();
const platform = await startDistributed(opts);
const gateway = `http://127.0.0.1:${8080 + offset}`;
const identity = localServiceUrl('identity', offset);
const settings = localServiceUrl('settings', offset);

// A second gateway in front of the same services, verifying every token's signature, on a
// port just found free (a fixed one in the ephemeral range can be taken by an outgoing socket).
const uncachedPort = await freePort();
const uncached = spawn(process.execPath, [gatewayMain], {
  env: {
    ...process.env,
    PORT: String(uncachedPort),
    UPSTREAMS: `identity=${identity},settings=${settings}`,
    REDIS_URL: opts.redisUrl,
    IDENTITY_JWKS_URL: `${identity}/.well-known/jwks.json`,
    IDENTITY_URL: identity,
    TOKEN_CACHE_SIZE: '0',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const uncachedGateway = `http://127.0.0.1:${uncachedPort}`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

interface Row {
  scenario: string;
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function run(
  scenario: string,
  url: string,
  o: { headers?: Record<string, string>; method?: 'GET' | 'POST'; body?: string; connections?: number } = {},
): Promise<Row> {
  const settings = {
    url,
    method: o.method ?? 'GET',
    connections: o.connections ?? connections,
    ...(o.headers ? { headers: o.headers } : {}),
    ...(o.body ? { body: o.body } : {}),
  };
  // Warm-up: fills caches, connection pools and the JIT.
  await autocannon({ ...settings, duration: 2 });
  const r = await autocannon({ ...settings, duration });
  return {
    scenario,
    reqPerSec: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors,
    non2xx: r.non2xx,
  };
}

const rows: Row[] = [];
let verifyMicros = 0;
try {
  await waitReady(`${uncachedGateway}/health/ready`, 30_000, () => uncached.exitCode === null);
  const admin = await adminHeaders(gateway);
  const flagKey = `bench-auth-${Date.now()}`;
  const created = await fetch(`${gateway}/api/v1/feature-flags`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...admin },
    body: JSON.stringify({ key: flagKey, enabled: true, rolloutPercentage: 50 }),
  });
  if (created.status !== 201) throw new Error(`create flag: ${created.status} ${await created.text()}`);
  const evaluate = `/api/v1/feature-flags/${flagKey}/evaluate?subject=customer-42`;

  for (let round = 1; round <= 2; round += 1) {
    rows.push(await run(`evaluate, anonymous (round ${round})`, gateway + evaluate));
    rows.push(await run(`evaluate, bearer token (round ${round})`, gateway + evaluate, { headers: admin }));
  }
  // Where the cost lies: the settings service verifies every bearer token itself (services
  // verify too), without a gateway in front.
  rows.push(await run('evaluate direct to settings, anonymous', settings + evaluate));
  rows.push(await run('evaluate direct to settings, bearer token', settings + evaluate, { headers: admin }));
  rows.push(await run('evaluate, anonymous, 2nd gateway', uncachedGateway + evaluate));
  rows.push(
    await run('evaluate, bearer, 2nd gateway, no token cache', uncachedGateway + evaluate, {
      headers: admin,
    }),
  );
  rows.push(
    await run('login (argon2id)', `${gateway}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(BENCH_ADMIN),
      connections: Number(values['login-connections']),
    }),
  );

  // The signature check the cache saves, measured alone (key set fetched once, then cached).
  const verifier = createTokenVerifier({
    issuer: process.env.IDENTITY_ISSUER ?? 'http://localhost:8080',
    audience: process.env.IDENTITY_AUDIENCE ?? 'mercato',
    keys: new URL(`${identity}/.well-known/jwks.json`),
  });
  const token = admin.authorization.slice('Bearer '.length);
  for (let i = 0; i < 200; i += 1) await verifier.verify(token);
  const n = 5_000;
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i += 1) await verifier.verify(token);
  verifyMicros = Number(process.hrtime.bigint() - started) / 1000 / n;
} finally {
  if (uncached.exitCode === null) {
    const exited = new Promise((resolve) => uncached.once('exit', resolve));
    uncached.kill('SIGTERM');
    await exited;
  }
  await platform.stop();
}

const mean = (prefix: string) => {
  const picked = rows.filter((r) => r.scenario.startsWith(prefix) && r.scenario.includes('round'));
  return picked.reduce((sum, r) => sum + r.reqPerSec, 0) / Math.max(1, picked.length);
};
const overhead = (base: number, withAuth: number) => Math.round((1 - withAuth / base) * 1000) / 10;
const anonymous = mean('evaluate, anonymous');
const bearer = mean('evaluate, bearer');
const second = rows.filter((r) => r.scenario.includes('2nd gateway'));
const direct = rows.filter((r) => r.scenario.startsWith('evaluate direct'));
const summary = {
  connections,
  durationSeconds: duration,
  overheadPercentCachedTokens: overhead(anonymous, bearer),
  overheadPercentEveryRequestVerified:
    second.length === 2 && second[0] && second[1] ? overhead(second[0].reqPerSec, second[1].reqPerSec) : null,
  overheadPercentSettingsAlone:
    direct.length === 2 && direct[0] && direct[1] ? overhead(direct[0].reqPerSec, direct[1].reqPerSec) : null,
  kitVerifyMicrosPerToken: Math.round(verifyMicros * 10) / 10,
};
console.log(JSON.stringify({ ...summary, rows }, null, 2));
console.table(rows);
process.exit(0);
