import type { RouteContracts, ServiceManifest, ServiceName } from '@mercato/contracts';
import type { Transaction } from 'kysely';
import type { Static, TObject, TProperties } from 'typebox';
import type { TokenVerifier } from '../auth/token-verifier.ts';
import type { Cache } from '../cache/index.ts';
import type { TypedClient } from '../client/typed-client.ts';
import type { Database } from '../db/database.ts';
import type { ErrorSpec } from '../errors/index.ts';
import type { ServiceApp } from '../http/app.ts';
import type { Logger } from '../logging/index.ts';
import type { EventBus } from '../messaging/bus.ts';
import type { EventSubscription } from '../messaging/event-subscription.ts';
import type { Outbox } from '../messaging/outbox.ts';
import type { ServiceMetrics } from '../metrics/index.ts';
import { buildService, type RuntimeDeps, type ServiceRuntime } from './build-service.ts';

/** The route contracts of the services a service calls, by service name. */
export type ServiceCalls = Partial<Record<ServiceName, RouteContracts>>;

/** Typed clients of the services a definition calls. */
export type ClientsOf<K extends ServiceCalls> = { readonly [N in keyof K]-?: TypedClient<NonNullable<K[N]>> };

/** What a service's routes, handlers and workers are given. */
export interface ServiceContext<DB = unknown, Cfg = unknown, K extends ServiceCalls = Record<never, never>> {
  name: string;
  /** embedded: one process, PGlite, demo conveniences allowed; distributed: production rules (no secret defaults). */
  mode: 'embedded' | 'distributed';
  /**
   * The service's clock (ms since the epoch): Date.now, or the one a test moves. Time rules
   * decided in code (a lock's end, a token's refresh) read it, so tests need not sleep.
   */
  now: () => number;
  /** The service's settings, loaded once from the environment by its config schema. */
  config: Cfg;
  database: Database<DB>;
  outbox: Outbox;
  cache: Cache;
  bus: EventBus;
  logger: Logger;
  metrics: ServiceMetrics;
  /** Typed clients of the services it calls (definition `calls`). */
  clients: ClientsOf<K>;
}

/** A background job of a service (a sweeper, a scheduler). */
export interface Worker {
  name: string;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
  /** Does now what is pending (work a timer would do later), for tests and draining. */
  flush?(): Promise<void>;
}

/**
 * The whole of a service, as its src/service.ts declares it. DB: its tables; C: its
 * settings' schema; P: what `setup` builds once and every other part shares; K: the
 * contracts of the services it calls.
 */
export interface ServiceDefinition<
  DB = unknown,
  C extends TProperties = TProperties,
  P = unknown,
  K extends ServiceCalls = ServiceCalls,
> {
  /** Name, port, schema and owned resources (packages/contracts, services.ts). */
  manifest: ServiceManifest;
  /** Its settings (environment variables), loaded once and handed over as `ctx.config`. */
  config?: TObject<C>;
  /**
   * Defaults of some settings when the platform runs with its demo data (embedded mode with
   * MERCATO_SEED), below what the environment sets.
   */
  demoConfig?: Partial<Record<keyof C & string, string>>;
  /** The services it calls, with their route contracts: `ctx.clients.<name>` is typed by them. */
  calls?: K;
  /** The service's error codes (errors.ts catalog); docs/errors.md must list each. */
  errors?: Readonly<Record<string, ErrorSpec>>;
  /** Folder of `NNNN_what.sql` files. */
  migrations: URL;
  /** Builds, once per service instance, what routes, subscriptions, workers and seed share. */
  setup?(ctx: ServiceContext<DB, Static<TObject<C>>, K>): P | Promise<P>;
  routes(app: ServiceApp, ctx: ServiceContext<DB, Static<TObject<C>>, K>, parts: P): void | Promise<void>;
  subscriptions?(ctx: ServiceContext<DB, Static<TObject<C>>, K>, parts: P): EventSubscription<DB>[];
  workers?(ctx: ServiceContext<DB, Static<TObject<C>>, K>, parts: P): Worker[];
  /** Verifies access tokens itself (identity checks its own keys) instead of the runtime's verifier. */
  tokenVerifier?(ctx: ServiceContext<DB, Static<TObject<C>>, K>, parts: P): TokenVerifier;
  /**
   * Event types that carry a whole state (a stock level) where only the latest per subject
   * matters: of several pending, the relay publishes only the last (RelayOptions.coalesce).
   */
  coalescedEvents?: readonly string[];
  /** Loads demo data; must be idempotent (`mercato seed` and every embedded start run it). */
  seed?(ctx: ServiceContext<DB, Static<TObject<C>>, K>, parts: P): Promise<void>;
}

/** A declared service: its definition and how to build it on given adapters. */
export type DefinedService<DB, C extends TProperties, P, K extends ServiceCalls> = ServiceDefinition<
  DB,
  C,
  P,
  K
> & {
  /** Builds it (migrate, assemble) on the given adapters: buildService with this definition. */
  build(deps: RuntimeDeps): Promise<ServiceRuntime<DB, P>>;
};

/**
 * Any declared service, as hosts drive it (the launcher, test helpers): its facts and its
 * build, without the types its routes and handlers are written against.
 */
export interface AnyService {
  readonly manifest: ServiceManifest;
  readonly errors?: Readonly<Record<string, ErrorSpec>>;
  readonly config?: TObject;
  build(deps: RuntimeDeps): Promise<HostedRuntime>;
}

/** A built service as a host drives it: its lifecycle and app (its context stays the service's). */
export type HostedRuntime = Omit<ServiceRuntime, 'ctx' | 'parts'>;

/**
 * Declares a service. Curried so that the table types are given and the rest inferred:
 * `defineService<CatalogDB>()({ manifest, config, setup, routes, … })` — `ctx.config`,
 * `ctx.clients` and the parts `setup` returns are typed from the definition itself.
 */
export function defineService<DB>() {
  return <C extends TProperties = TProperties, P = undefined, K extends ServiceCalls = Record<never, never>>(
    def: ServiceDefinition<DB, C, P, K>,
  ): DefinedService<DB, C, P, K> => ({ ...def, build: (deps) => buildService(def, deps) });
}

/** Shorthand for use cases: one transaction on the service's database. */
export type Tx<DB> = Transaction<DB>;
