import type { EventEnvelope } from '@mercato/contracts';
import { createMemoryCache, type Cache } from '@mercato/platform/cache';
import type { TokenProvider } from '@mercato/platform/auth';
import type { AnyService, HostedRuntime, RuntimeDeps, ServiceRuntime } from '@mercato/platform/service';
import { createLogger, type Logger } from '@mercato/platform/logging';
import { createMemoryBus, type EventBus } from '@mercato/platform/messaging';
import { Writable } from 'node:stream';
import { testAuth } from './auth.ts';
import { dropSchema, testTarget, uniqueSchema, type DbKind } from './databases.ts';

/** Log lines a test captured (parsed JSON), for assertions such as "no secret was logged". */
export interface CapturedLogs {
  lines: Record<string, unknown>[];
  text(): string;
}

/** A logger writing into memory. */
export function captureLogger(service: string): { logger: Logger; logs: CapturedLogs } {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      const s = chunk.toString('utf8');
      raw.push(s);
      for (const l of s.split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return {
    logger: createLogger({ service, level: 'debug', destination: stream }),
    logs: { lines, text: () => raw.join('') },
  };
}

/** A service built for a test on its own schema, with the events it published recorded. */
export interface TestService<DB, P = unknown> {
  runtime: ServiceRuntime<DB, P>;
  bus: EventBus;
  cache: Cache;
  logs: CapturedLogs;
  /** Every event the bus carried (in publish order). */
  published: EventEnvelope[];
  /** The SQL of every statement the service ran, in order (the relay's polling too). */
  queries: string[];
  /** Runs the workers' pending work, publishes what is in the outbox and waits until it is delivered. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** How {@link startTestService} builds the service. */
export interface TestServiceOptions {
  bus?: EventBus;
  cache?: Cache;
  maxAttempts?: number;
  mode?: 'embedded' | 'distributed';
  /** Settings of the service under test (default: the process's environment). */
  env?: NodeJS.ProcessEnv;
  /** The service's clock (`ctx.now`; see manualClock), default Date.now. */
  now?: () => number;
  /** The service's own token for calls outside a request (see testServiceToken). */
  serviceToken?: TokenProvider;
  /**
   * Build on this existing schema instead of a fresh one (a second replica of a service
   * already started: `first.runtime.ctx.database.schema`); it is left for its owner to drop.
   */
  schema?: string;
}

/**
 * Builds and starts a service on a fresh schema of the given database kind, with an
 * in-process bus (unless one is given) and a memory cache. Retries are short so poison
 * events reach the dead-letter table quickly.
 */
export function startTestService<DB, P>(
  def: {
    manifest: { name: string; schema: string };
    build(deps: RuntimeDeps): Promise<ServiceRuntime<DB, P>>;
  },
  kind: DbKind,
  opts?: TestServiceOptions,
): Promise<TestService<DB, P>>;
/**
 * A service as hosts hold it (the launcher's registry, without its types): defineService made
 * it, so what it builds is a whole runtime whose context the test may read untyped.
 */
export function startTestService(
  def: AnyService,
  kind: DbKind,
  opts?: TestServiceOptions,
): Promise<TestService<unknown, unknown>>;
export async function startTestService<DB, P>(
  def: {
    manifest: { name: string; schema: string };
    build(deps: RuntimeDeps): Promise<ServiceRuntime<DB, P> | HostedRuntime>;
  },
  kind: DbKind,
  opts: TestServiceOptions = {},
): Promise<TestService<DB, P>> {
  const target = await testTarget(kind);
  const schema = opts.schema ?? uniqueSchema(def.manifest.schema);
  const inner = opts.bus ?? createMemoryBus();
  const published: EventEnvelope[] = [];
  const bus: EventBus = {
    kind: inner.kind,
    async publish(event) {
      await inner.publish(event);
      published.push(event);
    },
    subscribe: (spec) => inner.subscribe(spec),
    listen: (spec) => inner.listen(spec),
    ping: () => inner.ping(),
    close: () => inner.close(),
  };
  const cache = opts.cache ?? createMemoryCache({ namespace: schema });
  const { logger, logs } = captureLogger(def.manifest.name);
  const queries: string[] = [];
  // Every definition is made by defineService, whose build returns the whole runtime.
  const runtime = (await def.build({
    ...(opts.env && { env: opts.env }),
    ...(opts.now && { now: opts.now }),
    ...(opts.serviceToken && { serviceToken: opts.serviceToken }),
    onQuery: (text) => queries.push(text),
    database: target,
    mode: opts.mode ?? 'embedded',
    auth: (await testAuth()).verifier,
    schema,
    bus,
    cache,
    logger,
    retry: { maxAttempts: opts.maxAttempts ?? 3, baseDelayMs: 5, maxDelayMs: 20 },
    relay: { pollMs: 20 },
  })) as ServiceRuntime<DB, P>;
  await runtime.start();
  return {
    runtime,
    bus,
    cache,
    logs,
    published,
    queries,
    async flush() {
      await runtime.flush();
    },
    async close() {
      await runtime.close();
      if (!opts.bus) await inner.close();
      if (!opts.cache) await cache.close();
      if (!opts.schema) await dropSchema(target, schema);
    },
  };
}
