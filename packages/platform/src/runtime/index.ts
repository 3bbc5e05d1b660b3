import { Type, type Static } from 'typebox';
import { createTokenVerifier } from '../auth/token-verifier.ts';
import type { Cache } from '../cache/cache.ts';
import { createRedisCache } from '../cache/redis-cache.ts';
import { loadConfig } from '../config/index.ts';
import { ensurePgDatabase } from '../db/database.ts';
import { buildService, type ServiceDefinition, type ServiceRuntime } from '../http/service.ts';
import { createLogger, type Logger } from '../logging/index.ts';
import type { EventBus } from '../messaging/bus.ts';
import { createNatsBus } from '../messaging/nats-bus.ts';
import { startTelemetry } from '../telemetry/index.ts';

/** Settings every service process reads (distributed mode: one process per service). */
export const ServiceProcessConfig = Type.Object({
  HOST: Type.String({ default: '127.0.0.1' }),
  PORT: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL URL of this service' }),
  DATABASE_POOL_MAX: Type.Integer({ default: 10, minimum: 1 }),
  NATS_URL: Type.String({ default: 'nats://127.0.0.1:4222' }),
  REDIS_URL: Type.String({ default: 'redis://127.0.0.1:6379', pattern: '^rediss?://' }),
  EVENT_MAX_ATTEMPTS: Type.Integer({ default: 5, minimum: 1 }),
  EVENT_RETRY_BASE_MS: Type.Integer({ default: 500, minimum: 1 }),
  BODY_LIMIT_BYTES: Type.Integer({ default: 1048576, minimum: 1024 }),
  IDENTITY_JWKS_URL: Type.String({
    default: 'http://127.0.0.1:8101/.well-known/jwks.json',
    pattern: '^https?://',
    description: 'where access-token verification keys are published',
  }),
  IDENTITY_ISSUER: Type.String({ default: 'http://localhost:8080', minLength: 1 }),
  IDENTITY_AUDIENCE: Type.String({ default: 'mercato', minLength: 1 }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ default: 15000, minimum: 100 }),
});
export type ServiceProcessConfig = Static<typeof ServiceProcessConfig>;

/** The adapters of distributed mode: PostgreSQL, NATS JetStream, Redis. */
export async function connectDistributed(
  service: string,
  cfg: ServiceProcessConfig,
  logger: Logger,
): Promise<{ bus: EventBus; cache: Cache }> {
  await ensurePgDatabase(cfg.DATABASE_URL);
  const bus = await createNatsBus({ servers: cfg.NATS_URL, name: service, logger });
  const cache = createRedisCache({ url: cfg.REDIS_URL, namespace: service });
  return { bus, cache };
}

/** Stops the runtime on SIGINT/SIGTERM, at most once, bounded by timeoutMs. */
export function closeOnSignals(close: () => Promise<void>, logger: Logger, timeoutMs: number): void {
  let closing = false;
  const onSignal = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, timeoutMs);
    force.unref();
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => onSignal('SIGINT'));
  process.once('SIGTERM', () => onSignal('SIGTERM'));
}

/**
 * Runs one service as its own process from environment settings (its src/main.ts):
 * PostgreSQL + NATS + Redis, listening on PORT (or the service's default port).
 */
export async function runServiceProcess<DB>(
  def: ServiceDefinition<DB>,
  defaultPort: number,
): Promise<ServiceRuntime<DB>> {
  const logger = createLogger({ service: def.name });
  let cfg: ServiceProcessConfig;
  try {
    cfg = loadConfig(ServiceProcessConfig);
  } catch (err) {
    logger.fatal(String(err instanceof Error ? err.message : err));
    process.exit(78);
  }
  const telemetry = await startTelemetry(def.name, { logger });
  const { bus, cache } = await connectDistributed(def.name, cfg, logger);
  const runtime = await buildService(def, {
    database: { kind: 'pg', url: cfg.DATABASE_URL, poolMax: cfg.DATABASE_POOL_MAX },
    bus,
    cache,
    logger,
    processMetrics: true,
    mode: 'distributed',
    auth: createTokenVerifier({
      issuer: cfg.IDENTITY_ISSUER,
      audience: cfg.IDENTITY_AUDIENCE,
      keys: new URL(cfg.IDENTITY_JWKS_URL),
    }),
    bodyLimit: cfg.BODY_LIMIT_BYTES,
    retry: { maxAttempts: cfg.EVENT_MAX_ATTEMPTS, baseDelayMs: cfg.EVENT_RETRY_BASE_MS, maxDelayMs: 60_000 },
  });
  await runtime.start();
  const address = await runtime.listen(cfg.PORT ?? defaultPort, cfg.HOST);
  logger.info({ address }, `${def.name} listening`);
  closeOnSignals(
    async () => {
      await runtime.close();
      await bus.close();
      await cache.close();
      await telemetry.shutdown();
    },
    logger,
    cfg.SHUTDOWN_TIMEOUT_MS,
  );
  return runtime;
}
