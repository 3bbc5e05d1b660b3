import { isServiceName, serviceManifests } from '@mercato/contracts';
import type { Static, TObject, TProperties } from 'typebox';
import { registerAuth } from '../auth/auth-plugin.ts';
import { followRevocations, withRevocations } from '../auth/revocation-guard.ts';
import { createRevocationList } from '../auth/revocation-list.ts';
import type { TokenVerifier } from '../auth/token-verifier.ts';
import type { TokenProvider } from '../auth/client-credentials.ts';
import type { Cache } from '../cache/index.ts';
import { createServiceClient } from '../client/service-client.ts';
import { createTypedClient } from '../client/typed-client.ts';
import { loadConfig } from '../config/index.ts';
import { createDatabase, type DatabaseTarget } from '../db/database.ts';
import { loadMigrations, migrate, platformMigrations } from '../db/migrator.ts';
import { createApp, type ServiceApp } from '../http/app.ts';
import { registerDeadLetterRoutes, registerHealthRoutes, type ReadinessCheck } from '../http/kit-routes.ts';
import { createIdempotencyStore, registerIdempotency } from '../idempotency/index.ts';
import { createLogger, type Logger } from '../logging/index.ts';
import type { EventBus, Subscription } from '../messaging/bus.ts';
import { createConsumer, type Consumer, type RetryPolicy } from '../messaging/consumer.ts';
import { createDeadLetterStore, type DeadLetterStore } from '../messaging/dead-letters.ts';
import { subscriptionSpec } from '../messaging/event-subscription.ts';
import { createOutbox } from '../messaging/outbox.ts';
import { createRelay, type Relay, type RelayOptions } from '../messaging/relay.ts';
import { createMetrics } from '../metrics/index.ts';
import type { ClientsOf, ServiceCalls, ServiceContext, ServiceDefinition } from './definition.ts';

/** The adapters a service runs on: chosen by the launcher or main.ts, never by the service. */
export interface RuntimeDeps {
  database: DatabaseTarget;
  bus: EventBus;
  cache: Cache;
  logger?: Logger;
  retry?: RetryPolicy;
  relay?: RelayOptions;
  bodyLimit?: number;
  processMetrics?: boolean;
  /** Verifies bearer tokens (identity's JWKS); without one, any bearer token is refused. */
  auth?: TokenVerifier;
  /** Runtime mode (default distributed: the strict one). */
  mode?: 'embedded' | 'distributed';
  /** Where the service's settings are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** The platform runs with demo data: the definition's demoConfig defaults apply. */
  demo?: boolean;
  /** Base URLs of the services it calls (default `<NAME>_URL` from env, else 127.0.0.1 on the manifest's port). */
  serviceUrls?: Readonly<Record<string, string>>;
  /** The service's own token for calls made outside a caller's request (consumers, workers). */
  serviceToken?: TokenProvider;
  /** Overrides the definition's schema (tests give each run a schema of its own). */
  schema?: string;
  /** Extra readiness checks (e.g. upstreams). */
  checks?: ReadinessCheck[];
  /** Sees every SQL statement the service runs (tests count queries with it). */
  onQuery?: (sql: string, durationMs: number) => void;
  /** The service's clock, ms since the epoch (default Date.now); tests move time with it. */
  now?: () => number;
}

/** A built service: its app (not yet listening), context and lifecycle. */
export interface ServiceRuntime<DB = unknown, P = unknown> {
  app: ServiceApp;
  ctx: ServiceContext<DB, unknown, Record<never, never>>;
  /** What the definition's `setup` built (tests reach a service's parts through it). */
  parts: P;
  relay: Relay;
  consumers: Consumer[];
  deadLetters: DeadLetterStore;
  /** Runs the definition's seed, if any. */
  seed(): Promise<void>;
  /**
   * Starts the consumers only (and the listener that keeps the token revocation list). A
   * host of several services (embedded mode) subscribes all of them before any relay
   * starts: the in-process bus keeps nothing for a subscriber that does not exist yet, so
   * an event published earlier would never reach it.
   */
  subscribe(): Promise<void>;
  /** Starts consumers (unless subscribe did), workers and relay (not the HTTP listener). */
  start(): Promise<void>;
  /** Runs what the workers have pending (Worker.flush), then publishes every outbox row. */
  flush(): Promise<void>;
  listen(port: number, host?: string): Promise<string>;
  /** Graceful: stop accepting, finish in-flight, stop consumers and workers, drain the relay, close pools. */
  close(): Promise<void>;
}

/** Loads a definition's settings: the environment, over its demo defaults when demo data is loaded. */
export function loadServiceConfig<C extends TProperties>(
  def: Pick<ServiceDefinition<unknown, C>, 'config' | 'demoConfig'>,
  env: NodeJS.ProcessEnv,
  demo: boolean,
): Static<TObject<C>> {
  if (!def.config) return {} as Static<TObject<C>>;
  const merged = demo && def.demoConfig ? { ...def.demoConfig, ...definedOnly(env) } : env;
  return loadConfig(def.config, merged);
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}

/** The base URL of a service another calls: given, `<NAME>_URL`, or loopback on its manifest's port. */
export function serviceUrlOf(name: string, env: NodeJS.ProcessEnv, given?: Readonly<Record<string, string>>) {
  const url = given?.[name] ?? env[`${name.toUpperCase()}_URL`];
  if (url) return url;
  if (!isServiceName(name)) throw new Error(`calls: ${name} is not a Mercato service`);
  return `http://127.0.0.1:${serviceManifests[name].port}`;
}

/** Builds a service on the given adapters: migrates its schema and assembles its app. */
export async function buildService<DB, C extends TProperties, P, K extends ServiceCalls>(
  def: ServiceDefinition<DB, C, P, K>,
  deps: RuntimeDeps,
): Promise<ServiceRuntime<DB, P>> {
  const name = def.manifest.name;
  const env = deps.env ?? process.env;
  const config = loadServiceConfig(def, env, deps.demo ?? false);
  const logger = deps.logger ?? createLogger({ service: name });
  const metrics = createMetrics(name, { processMetrics: deps.processMetrics ?? false });
  const schema = deps.schema ?? def.manifest.schema;
  const database = createDatabase<DB>(deps.database, schema, {
    onQuery: (text, ms) => {
      metrics.dbQueryDuration.observe(ms / 1000);
      deps.onQuery?.(text, ms);
    },
  });
  await migrate(database, [...(await platformMigrations()), ...(await loadMigrations(def.migrations))]);

  const relay = createRelay(
    database,
    deps.bus,
    { logger, metrics },
    { ...deps.relay, ...(def.coalescedEvents && { coalesce: def.coalescedEvents }) },
  );
  const outbox = createOutbox({ source: name, schema, onCommitted: () => relay.kick() });
  const httpClients = Object.keys(def.calls ?? {}).map((callee) =>
    createServiceClient({
      name: callee,
      baseUrl: serviceUrlOf(callee, env, deps.serviceUrls),
      logger,
      ...(deps.serviceToken && { credentials: deps.serviceToken }),
    }),
  );
  const clients: Record<string, unknown> = {};
  for (const http of httpClients) {
    const contracts = (def.calls as ServiceCalls)[http.name as keyof ServiceCalls];
    if (contracts) clients[http.name] = createTypedClient(contracts, http);
  }
  const ctx: ServiceContext<DB, Static<TObject<C>>, K> = {
    name,
    mode: deps.mode ?? 'distributed',
    now: deps.now ?? Date.now,
    config,
    database,
    outbox,
    cache: deps.cache,
    bus: deps.bus,
    logger,
    metrics,
    // One typed client per entry of `calls`, built just above from the same keys.
    clients: clients as ClientsOf<K>,
  };
  const parts = (await def.setup?.(ctx)) as P;

  const consumers = (def.subscriptions?.(ctx, parts) ?? []).map((sub) =>
    createConsumer(name, database, deps.bus, subscriptionSpec(sub), { logger, metrics, retry: deps.retry }),
  );
  const workers = def.workers?.(ctx, parts) ?? [];
  const deadLetters = createDeadLetterStore(database, () => consumers);
  const idempotency = createIdempotencyStore(database);

  const app = await createApp({
    name,
    logger,
    metrics,
    bodyLimit: deps.bodyLimit,
    description: def.manifest.description,
  });
  registerHealthRoutes(
    app,
    [
      { name: 'database', check: () => database.ping() },
      // Without the bus the outbox keeps events until it is back; without the cache reads
      // go to the database: the service still serves (docs/adr/0007).
      { name: 'bus', check: () => deps.bus.ping(), required: false },
      { name: 'cache', check: () => deps.cache.ping(), required: false },
      ...(deps.checks ?? []),
    ],
    metrics,
  );
  registerDeadLetterRoutes(app, deadLetters);
  // Tokens identity revoked after issuing them are refused here too (ADR 0005): the list is
  // fed by a listener on the bus from subscribe() on.
  const revocations = createRevocationList();
  const verifier = def.tokenVerifier?.(ctx, parts) ?? deps.auth;
  registerAuth(app, verifier && withRevocations(verifier, revocations));
  registerIdempotency(app, idempotency);
  await def.routes(app, ctx, parts);
  await app.ready();

  const purge = setInterval(() => {
    idempotency.purgeExpired().catch((err: unknown) => logger.warn({ err }, 'idempotency purge failed'));
  }, 600_000);
  purge.unref();

  let started = false;
  let subscribed = false;
  let revocationFeed: Subscription | undefined;
  const subscribe = async (): Promise<void> => {
    if (subscribed) return;
    subscribed = true;
    revocationFeed = await followRevocations(deps.bus, revocations, { name });
    for (const c of consumers) await c.start();
  };
  return {
    app,
    ctx,
    parts,
    relay,
    consumers,
    deadLetters,
    async seed() {
      await def.seed?.(ctx, parts);
    },
    subscribe,
    async start() {
      if (started) return;
      started = true;
      await subscribe();
      for (const w of workers) await w.start();
      relay.start();
    },
    async flush() {
      for (const w of workers) await w.flush?.();
      await relay.drain();
    },
    async listen(port: number, host = '127.0.0.1') {
      return app.listen({ port, host });
    },
    async close() {
      clearInterval(purge);
      await app.close();
      for (const w of workers) await w.stop();
      for (const c of consumers) await c.stop();
      await revocationFeed?.stop();
      await relay.stop();
      for (const http of httpClients) await http.close();
      await database.close();
    },
  };
}
