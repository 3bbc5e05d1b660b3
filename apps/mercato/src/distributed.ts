import { serviceManifests } from '@mercato/contracts';
import { ensurePgDatabase } from '@mercato/platform/db';
import { createLogger } from '@mercato/platform/logging';
import { LAUNCHED_WITH_IPC } from '@mercato/platform/runtime';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { launcherConfig, publicIssuer } from './launcher-config.ts';
import { platformPorts, warnOfEphemeralPorts } from './port-range.ts';
import { carrierStandIn, pspStandIn, simulatorsMain } from './provider-stand-ins.ts';
import { makeServiceAccounts } from './service-accounts.ts';
import { gatewayMain, services } from './service-registry.ts';
import { waitReady } from './wait-ready.ts';

/** Where the distributed processes find their infrastructure (env, localhost defaults). */
export interface DistributedOptions {
  postgresUrl: string;
  natsUrl: string;
  redisUrl: string;
  offset: number;
  gatewayPort: number;
  host: string;
  readyTimeoutMs: number;
  /** Checkout processes to run (each its own saga engine and lease owner, one database). */
  checkoutReplicas?: number;
}

/** Reads distributed-mode options from the environment. */
export function distributedOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): DistributedOptions {
  const cfg = launcherConfig(env);
  return {
    postgresUrl: cfg.POSTGRES_URL,
    natsUrl: cfg.NATS_URL,
    redisUrl: cfg.REDIS_URL,
    offset: cfg.MERCATO_PORT_OFFSET,
    gatewayPort: cfg.GATEWAY_PORT + cfg.MERCATO_PORT_OFFSET,
    host: cfg.HOST,
    readyTimeoutMs: cfg.MERCATO_READY_TIMEOUT_MS,
    checkoutReplicas: cfg.MERCATO_CHECKOUT_REPLICAS,
  };
}

/** The database URL of one service: same server as POSTGRES_URL, database `mercato_<service>`. */
export function serviceDatabaseUrl(
  postgresUrl: string,
  service: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const own = env[`${service.toUpperCase()}_DATABASE_URL`];
  if (own) return own;
  const u = new URL(postgresUrl);
  u.pathname = `/mercato_${service}`;
  return u.toString();
}

/**
 * Distributed mode on one machine: one OS process per service and one for the gateway,
 * on PostgreSQL (a database per service, created when missing), NATS JetStream and Redis.
 * Resolves once every process answers /health/ready.
 */
export async function startDistributed(
  opts: DistributedOptions,
  signal?: AbortSignal,
): Promise<{ url: string; stop(): Promise<void>; pids: ReadonlyMap<string, number> }> {
  const logger = createLogger({ service: 'mercato' });
  warnOfEphemeralPorts(logger, platformPorts(opts.offset, opts.gatewayPort));
  const children: ChildProcess[] = [];
  // Each process's id by name (benchmarks read the CPU time of the gateway and a service).
  const pids = new Map<string, number>();
  const alive = new Set<ChildProcess>();
  let stopping = false;
  // Whatever ends the launcher (an uncaught error too) takes the children it started along.
  const killAll = () => {
    for (const c of alive) c.kill('SIGTERM');
  };
  process.once('exit', killAll);

  function launch(name: string, entry: string, env: Record<string, string>): ChildProcess {
    if (signal?.aborted) throw new Error('start-up interrupted');
    const child = spawn(process.execPath, [entry], {
      env: { ...process.env, ...env, [LAUNCHED_WITH_IPC]: '1' },
      // The IPC channel ties each child to this process: when it closes (the launcher
      // exited, even by SIGKILL), the child stops itself (kit runtime, handleShutdown).
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.push(child);
    if (child.pid !== undefined) pids.set(name, child.pid);
    alive.add(child);
    child.on('exit', (code, signal) => {
      alive.delete(child);
      if (!stopping) logger.error({ process: name, code, signal }, 'a Mercato process exited');
    });
    return child;
  }

  const stop = async () => {
    stopping = true;
    process.off('exit', killAll);
    const exits = children.filter((c) => alive.has(c)).map((c) => new Promise((r) => c.once('exit', r)));
    for (const c of children) if (alive.has(c)) c.kill('SIGTERM');
    const force = setTimeout(() => {
      for (const c of children) if (alive.has(c)) c.kill('SIGKILL');
    }, 20_000);
    await Promise.all(exits);
    clearTimeout(force);
  };

  // Every process finds identity on its (offset) port unless the environment says otherwise:
  // the services and the gateway verify tokens against its JWKS, the gateway exchanges API keys.
  const identityUrl = `http://127.0.0.1:${serviceManifests.identity.port + opts.offset}`;
  // Each service finds the others it calls at <NAME>_URL (the kit's default is the manifest's port, without the offset).
  const serviceUrls = Object.fromEntries(
    services.map((s) => {
      const key = `${s.name.toUpperCase()}_URL`;
      return [key, process.env[key] ?? `http://127.0.0.1:${s.port + opts.offset}`];
    }),
  );
  const jwksUrl = process.env.IDENTITY_JWKS_URL ?? `${identityUrl}/.well-known/jwks.json`;
  // Identity signs with it and every service and the gateway expect it.
  const issuer = publicIssuer(opts.gatewayPort);
  const carrier = carrierStandIn(opts.offset);
  const psp = pspStandIn(opts.offset);
  // Notification's signing secret (unsubscribe links, webhooks) has no default outside embedded
  // mode; a local run without one gets a fresh one (links from an earlier run stop working).
  const signingSecret = process.env.NOTIFICATION_SIGNING_SECRET ?? randomBytes(32).toString('base64url');
  // Service accounts (the checkout saga's) with secrets made for this start: identity registers them.
  const accounts = makeServiceAccounts();
  try {
    // One process for the stand-ins: it runs each simulator whose settings it is given.
    if (carrier || psp)
      launch('simulators', simulatorsMain, { ...carrier?.simulatorEnv, ...psp?.simulatorEnv });
    // Every service at once, then wait for all: each owns its database and finds the others
    // over the bus and HTTP when it needs them, so none waits for another to start.
    // (Databases one by one: PostgreSQL refuses concurrent CREATE DATABASE from one template.)
    for (const s of services) await ensurePgDatabase(serviceDatabaseUrl(opts.postgresUrl, s.name));
    // Checkout may run as several replicas on its one database (the saga engine's leases share
    // the sagas out): the first on its port, behind the gateway; the n-th on port + 100 × n.
    const instances = services.flatMap((s) =>
      Array.from({ length: s.name === 'checkout' ? (opts.checkoutReplicas ?? 1) : 1 }, (_, n) => ({ s, n })),
    );
    const started = await Promise.all(
      instances.map(async ({ s, n }) => {
        const databaseUrl = serviceDatabaseUrl(opts.postgresUrl, s.name);
        const port = s.port + opts.offset + 100 * n;
        const child = launch(n === 0 ? s.name : `${s.name}-${n + 1}`, s.main, {
          ...serviceUrls,
          PORT: String(port),
          DATABASE_URL: databaseUrl,
          NATS_URL: opts.natsUrl,
          REDIS_URL: opts.redisUrl,
          IDENTITY_JWKS_URL: jwksUrl,
          IDENTITY_ISSUER: issuer,
          ...carrier?.serviceEnv,
          ...psp?.serviceEnv,
          NOTIFICATION_SIGNING_SECRET: signingSecret,
          IDENTITY_URL: process.env.IDENTITY_URL ?? identityUrl,
          ...(s.name === 'identity' ? accounts.identityEnv : accounts.processEnv(s.name)),
        });
        return { s, n, port, child };
      }),
    );
    await Promise.all(
      started.map(({ port, child }) =>
        waitReady(
          `http://127.0.0.1:${port}/health/ready`,
          opts.readyTimeoutMs,
          () => alive.has(child) && !signal?.aborted,
        ),
      ),
    );
    const upstreams = started
      .filter(({ n }) => n === 0)
      .map(({ s, port }) => `${s.name}=http://127.0.0.1:${port}`);
    const gateway = launch('gateway', gatewayMain, {
      PORT: String(opts.gatewayPort),
      HOST: opts.host,
      UPSTREAMS: upstreams.join(','),
      // Rate-limit counters shared by every gateway instance (RATE_LIMIT_* pass through the environment).
      REDIS_URL: opts.redisUrl,
      // identity's revocation events (revoked API keys, disabled users, role changes)
      NATS_URL: opts.natsUrl,
      IDENTITY_JWKS_URL: jwksUrl,
      IDENTITY_ISSUER: issuer,
      IDENTITY_URL: process.env.IDENTITY_URL ?? identityUrl,
    });
    await waitReady(
      `http://127.0.0.1:${opts.gatewayPort}/health/ready`,
      opts.readyTimeoutMs,
      () => alive.has(gateway) && !signal?.aborted,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  const url = `http://localhost:${opts.gatewayPort}`;
  process.stdout.write(
    `\nMercato is running (distributed mode: ${services.length + 1} processes)\n` +
      `  API and web:   ${url}\n  API docs:      ${url}/docs\n` +
      services.map((s) => `  ${s.name.padEnd(14)} http://127.0.0.1:${s.port + opts.offset}\n`).join('') +
      `Press Ctrl-C to stop.\n\n`,
  );
  return { url, stop, pids };
}

/**
 * `mercato start --mode distributed`: runs until SIGINT/SIGTERM, then stops every process.
 * The handlers come first: a Ctrl-C during start-up stops the children started so far
 * (startDistributed's clean-up) instead of killing the launcher alone.
 */
export async function runDistributed(): Promise<void> {
  const interrupted = new AbortController();
  let platform: { stop(): Promise<void> } | undefined;
  let ending = false;
  const onSignal = (name: NodeJS.Signals) => {
    if (ending) return;
    ending = true;
    if (!platform) {
      // startDistributed sees the abort, stops what it started and rejects (below).
      interrupted.abort(new Error(`${name} during start-up`));
      return;
    }
    platform.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    platform = await startDistributed(distributedOptionsFromEnv(), interrupted.signal);
  } catch (err) {
    if (!interrupted.signal.aborted) throw err;
    process.stderr.write('mercato: start-up interrupted; every process it started is stopped\n');
    process.exit(130);
  }
}
