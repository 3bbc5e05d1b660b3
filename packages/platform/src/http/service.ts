import type { Transaction } from 'kysely';
import type { Cache } from '../cache/index.ts';
import { registerAuth } from '../auth/auth-plugin.ts';
import type { TokenVerifier } from '../auth/token-verifier.ts';
import type { ErrorSpec } from '../errors/index.ts';
import { createDatabase, type Database, type DatabaseTarget } from '../db/database.ts';
import { loadMigrations, migrate, platformMigrations } from '../db/migrator.ts';
import { createIdempotencyStore, registerIdempotency } from '../idempotency/index.ts';
import { createLogger, type Logger } from '../logging/index.ts';
import type { EventBus } from '../messaging/bus.ts';
import {
  createConsumer,
  type Consumer,
  type EventHandlerSpec,
  type RetryPolicy,
} from '../messaging/consumer.ts';
import { createDeadLetterStore, type DeadLetterStore } from '../messaging/dead-letters.ts';
import { createOutbox, type Outbox } from '../messaging/outbox.ts';
import { createRelay, type Relay, type RelayOptions } from '../messaging/relay.ts';
import { createMetrics, type ServiceMetrics } from '../metrics/index.ts';
import { createApp, type ServiceApp } from './app.ts';
import { registerDeadLetterRoutes, registerHealthRoutes, type ReadinessCheck } from './kit-routes.ts';

/** What a service's routes, handlers and workers are given. */
export interface ServiceContext<DB = unknown> {
  name: string;
  /** embedded: one process, PGlite, demo conveniences allowed; distributed: production rules (no secret defaults). */
  mode: 'embedded' | 'distributed';
  database: Database<DB>;
  outbox: Outbox;
  cache: Cache;
  bus: EventBus;
  logger: Logger;
  metrics: ServiceMetrics;
}

/** A background job of a service (a sweeper, a scheduler). */
export interface Worker {
  name: string;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
  /** Does now what is pending (work a timer would do later), for tests and draining. */
  flush?(): Promise<void>;
}

/** The whole of a service, as its src/service.ts declares it. */
export interface ServiceDefinition<DB = unknown> {
  name: string;
  schema: string;
  description?: string;
  /** The service's error codes (errors.ts catalog); docs/errors.md must list each. */
  errors?: Readonly<Record<string, ErrorSpec>>;
  /** Folder of `NNNN_what.sql` files. */
  migrations: URL;
  routes(app: ServiceApp, ctx: ServiceContext<DB>): void | Promise<void>;
  subscriptions?(ctx: ServiceContext<DB>): EventHandlerSpec<DB>[];
  workers?(ctx: ServiceContext<DB>): Worker[];
  /** Verifies access tokens itself (identity checks its own keys) instead of the runtime's verifier. */
  tokenVerifier?(ctx: ServiceContext<DB>): TokenVerifier;
  /**
   * Event types that carry a whole state (a stock level) where only the latest per subject
   * matters: of several pending, the relay publishes only the last (RelayOptions.coalesce).
   */
  coalescedEvents?: readonly string[];
  /** Loads demo data; must be idempotent (`mercato seed` and every embedded start run it). */
  seed?(ctx: ServiceContext<DB>): Promise<void>;
}

/** Declares a service (typed identity function, so definitions read the same everywhere). */
export function defineService<DB>(def: ServiceDefinition<DB>): ServiceDefinition<DB> {
  return def;
}

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
  /** Overrides the definition's schema (tests give each run a schema of its own). */
  schema?: string;
  /** Extra readiness checks (e.g. upstreams). */
  checks?: ReadinessCheck[];
  /** Sees every SQL statement the service runs (tests count queries with it). */
  onQuery?: (sql: string, durationMs: number) => void;
}

/** A built service: its app (not yet listening), context and lifecycle. */
export interface ServiceRuntime<DB = unknown> {
  app: ServiceApp;
  ctx: ServiceContext<DB>;
  relay: Relay;
  consumers: Consumer[];
  deadLetters: DeadLetterStore;
  /** Runs the definition's seed, if any. */
  seed(): Promise<void>;
  /**
   * Starts the consumers only. A host of several services (embedded mode) subscribes all
   * of them before any relay starts: the in-process bus keeps nothing for a subscriber
   * that does not exist yet, so an event published earlier would never reach it.
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

/** Builds a service on the given adapters: migrates its schema and assembles its app. */
export async function buildService<DB>(
  def: ServiceDefinition<DB>,
  deps: RuntimeDeps,
): Promise<ServiceRuntime<DB>> {
  const logger = deps.logger ?? createLogger({ service: def.name });
  const metrics = createMetrics(def.name, { processMetrics: deps.processMetrics ?? false });
  const schema = deps.schema ?? def.schema;
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
  const outbox = createOutbox({ source: def.name, schema, onCommitted: () => relay.kick() });
  const ctx: ServiceContext<DB> = {
    name: def.name,
    mode: deps.mode ?? 'distributed',
    database,
    outbox,
    cache: deps.cache,
    bus: deps.bus,
    logger,
    metrics,
  };

  const consumers = (def.subscriptions?.(ctx) ?? []).map((spec) =>
    createConsumer(def.name, database, deps.bus, spec, { logger, metrics, retry: deps.retry }),
  );
  const workers = def.workers?.(ctx) ?? [];
  const deadLetters = createDeadLetterStore(database, () => consumers);
  const idempotency = createIdempotencyStore(database);

  const app = await createApp({
    name: def.name,
    logger,
    metrics,
    bodyLimit: deps.bodyLimit,
    description: def.description,
  });
  registerHealthRoutes(
    app,
    [
      { name: 'database', check: () => database.ping() },
      { name: 'bus', check: () => deps.bus.ping() },
      { name: 'cache', check: () => deps.cache.ping() },
      ...(deps.checks ?? []),
    ],
    metrics,
  );
  registerDeadLetterRoutes(app, deadLetters);
  registerAuth(app, def.tokenVerifier?.(ctx) ?? deps.auth);
  registerIdempotency(app, idempotency);
  await def.routes(app, ctx);
  await app.ready();

  const purge = setInterval(() => {
    idempotency.purgeExpired().catch((err: unknown) => logger.warn({ err }, 'idempotency purge failed'));
  }, 600_000);
  purge.unref();

  let started = false;
  let subscribed = false;
  const subscribe = async (): Promise<void> => {
    if (subscribed) return;
    subscribed = true;
    for (const c of consumers) await c.start();
  };
  return {
    app,
    ctx,
    relay,
    consumers,
    deadLetters,
    async seed() {
      await def.seed?.(ctx);
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
      await relay.stop();
      await database.close();
    },
  };
}

/** Shorthand for use cases: one transaction on the service's database. */
export type Tx<DB> = Transaction<DB>;
