import { serviceManifests } from '@mercato/contracts';
import { buildGateway, loadRateLimitOptions } from '@mercato/gateway';
import { createTokenVerifier } from '@mercato/platform/auth';
import { createMemoryCache } from '@mercato/platform/cache';
import { openPGlite } from '@mercato/platform/db';
import { initPGliteDataDir } from '@mercato/platform/pglite-init';
import type { HostedRuntime } from '@mercato/platform/service';
import { createLogger } from '@mercato/platform/logging';
import { createMemoryBus } from '@mercato/platform/messaging';
import { handleShutdown } from '@mercato/platform/runtime';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { launcherConfig, publicIssuer } from './launcher-config.ts';
import { platformPorts, warnOfEphemeralPorts } from './port-range.ts';
import { carrierStandIn, pspStandIn } from './provider-stand-ins.ts';
import { makeServiceAccounts } from './service-accounts.ts';
import { services } from './service-registry.ts';
import {
  carrierOptionsFromEnv,
  createCarrierSimulator,
  createPspSimulator,
  pspOptionsFromEnv,
  type CarrierSimulator,
  type PspSimulator,
} from '@mercato/simulators';

/** Options of an embedded start; every field has an environment variable. */
export interface EmbeddedOptions {
  dataDir: string;
  host: string;
  gatewayPort: number;
  offset: number;
  seed: boolean;
}

/** Reads embedded-mode options from the environment (see the README's configuration table). */
export function embeddedOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): EmbeddedOptions {
  const cfg = launcherConfig(env);
  return {
    dataDir: path.resolve(cfg.MERCATO_DATA_DIR),
    host: cfg.HOST,
    gatewayPort: cfg.GATEWAY_PORT + cfg.MERCATO_PORT_OFFSET,
    offset: cfg.MERCATO_PORT_OFFSET,
    seed: cfg.MERCATO_SEED,
  };
}

/**
 * Embedded mode: the gateway and every service in this one process, each on its own
 * port, on one PGlite persisted under dataDir, an in-process bus and memory caches.
 */
export async function startEmbedded(opts: EmbeddedOptions): Promise<{ url: string; close(): Promise<void> }> {
  const started = Date.now();
  const logger = createLogger({ service: 'mercato' });
  const phases = startupPhases();
  warnOfEphemeralPorts(logger, platformPorts(opts.offset, opts.gatewayPort));
  await mkdir(opts.dataDir, { recursive: true });
  const dataDir = path.join(opts.dataDir, 'pglite');
  await initPGliteDataDir(dataDir);
  phases.mark('data directory');
  const pglite = await openPGlite(dataDir);
  phases.mark('open PGlite');
  const bus = createMemoryBus({ logger });
  const runtimes: HostedRuntime[] = [];
  const identityPort = serviceManifests.identity.port + opts.offset;
  // Identity reads its issuer from the environment when it is built; the verifier expects the same.
  const issuer = (process.env.IDENTITY_ISSUER = publicIssuer(opts.gatewayPort));
  const auth = createTokenVerifier({
    issuer,
    audience: process.env.IDENTITY_AUDIENCE ?? 'mercato',
    keys: new URL(`http://127.0.0.1:${identityPort}/.well-known/jwks.json`),
  });
  // The carrier stand-in, in this process too (unless a real carrier is configured).
  const carrier = carrierStandIn(opts.offset);
  let carrierSimulator: CarrierSimulator | undefined;
  const carrierSettings = carrier && carrierOptionsFromEnv(carrier.simulatorEnv);
  if (carrier && carrierSettings) {
    carrierSimulator = createCarrierSimulator(carrierSettings.options);
    await carrierSimulator.listen(carrier.port);
  }
  // The PSP stand-in likewise (unless PSP_API_URL names a provider): payment talks to it over HTTP.
  const psp = pspStandIn(opts.offset);
  let pspSimulator: PspSimulator | undefined;
  if (psp) {
    pspSimulator = createPspSimulator(pspOptionsFromEnv({ ...process.env, ...psp.simulatorEnv }).options);
    await pspSimulator.listen(psp.port);
  }
  // Services that call others with a token of their own (the checkout saga) get a service
  // account with a secret made for this start; identity registers it when it starts.
  const accounts = makeServiceAccounts();
  const serviceEnv = { ...process.env, ...carrier?.serviceEnv, ...psp?.serviceEnv, ...accounts.identityEnv };
  const upstreams: Record<string, string> = {};
  for (const s of services) upstreams[s.name] = `http://127.0.0.1:${s.port + opts.offset}`;
  for (const s of services) {
    const serviceToken = accounts.tokenProvider(s.name, `http://127.0.0.1:${identityPort}`);
    const runtime = await s.definition.build({
      database: { kind: 'pglite', pglite },
      ...(serviceToken && { serviceToken }),
      mode: 'embedded',
      // Demo defaults of the services' settings (the demo catalog's SKUs start with stock).
      demo: opts.seed,
      serviceUrls: upstreams,
      env: serviceEnv,
      auth,
      bus,
      cache: createMemoryCache({ namespace: s.name }),
      logger: createLogger({ service: s.name }),
      processMetrics: runtimes.length === 0,
    });
    phases.mark(`build ${s.name}`);
    if (opts.seed) await runtime.seed();
    phases.mark(`seed ${s.name}`);
    runtimes.push(runtime);
  }
  // Every consumer first: a relay that started before a subscriber existed would hand its
  // events (the seeds' among them) to an in-process bus that keeps nothing for later.
  for (const runtime of runtimes) await runtime.subscribe();
  phases.mark('subscribe');
  for (const [i, runtime] of runtimes.entries()) {
    const s = services[i];
    if (!s) continue;
    await runtime.start();
    await runtime.listen(s.port + opts.offset, '127.0.0.1');
  }
  phases.mark('start services');
  const gateway = await buildGateway({
    upstreams,
    logger: createLogger({ service: 'gateway' }),
    // identity's revocation events reach the gateway's deny-list like every service's
    bus,
    // The services' verifier (identity's JWKS on its port); rate limits from the same
    // RATE_LIMIT_* variables as the gateway process, counted in memory (one gateway here).
    auth: { tokenVerifier: auth, identityUrl: `http://127.0.0.1:${identityPort}` },
    rateLimit: loadRateLimitOptions(),
  });
  const url = await gateway.app.listen({ port: opts.gatewayPort, host: opts.host });
  phases.mark('gateway');
  // Where the start-up went (LOG_LEVEL=debug): wall and CPU ms of each step, from process start.
  logger.debug({ phases: phases.list }, 'start-up phases');
  const shown = `http://localhost:${opts.gatewayPort}`;
  logger.info(
    { url: shown, ms: Date.now() - started, dataDir: opts.dataDir },
    'Mercato is running (embedded)',
  );
  process.stdout.write(
    `\nMercato is running (embedded mode) in ${Date.now() - started} ms\n` +
      `  API and web:   ${shown}\n` +
      `  API docs:      ${shown}/docs\n` +
      `  Health:        ${shown}/health/ready\n` +
      `  Data:          ${opts.dataDir}\n` +
      `Press Ctrl-C to stop.\n\n`,
  );
  void url;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await gateway.close();
    for (const r of runtimes.reverse()) await r.close();
    await carrierSimulator?.close();
    await pspSimulator?.close();
    await bus.close();
    await pglite.close();
  };
  return { url: shown, close };
}

/** Wall and CPU time of each start-up step since the last (the first: since the process started). */
function startupPhases() {
  let wall = 0;
  let cpu = 0;
  const list: Array<{ phase: string; ms: number; cpuMs: number }> = [];
  const mark = (phase: string) => {
    const now = performance.now();
    const used = process.cpuUsage();
    const total = (used.user + used.system) / 1000;
    list.push({ phase, ms: Math.round(now - wall), cpuMs: Math.round(total - cpu) });
    wall = now;
    cpu = total;
  };
  mark('load code');
  return { mark, list };
}

/** `mercato start` in embedded mode: runs until SIGINT/SIGTERM, then stops cleanly. */
export async function runEmbedded(): Promise<void> {
  const logger = createLogger({ service: 'mercato' });
  // First: Ctrl-C during start-up stops at once instead of being ignored or half-handled.
  const shutdown = handleShutdown(logger);
  const platform = await startEmbedded(embeddedOptionsFromEnv());
  shutdown.closeWith(platform.close, 20_000);
}
