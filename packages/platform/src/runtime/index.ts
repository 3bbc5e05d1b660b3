import { localServiceUrl } from '@mercato/contracts';
import { Type, type Static } from 'typebox';
import { createClientCredentials } from '../auth/client-credentials.ts';
import { createTokenVerifier } from '../auth/token-verifier.ts';
import type { Cache } from '../cache/cache.ts';
import { createRedisCache } from '../cache/redis-cache.ts';
import { loadConfig } from '../config/index.ts';
import { ensurePgDatabase } from '../db/database.ts';
import { loadServiceConfig } from '../service/build-service.ts';
import type { AnyService, HostedRuntime } from '../service/definition.ts';
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
    default: `${localServiceUrl('identity')}/.well-known/jwks.json`,
    pattern: '^https?://',
    description: 'where access-token verification keys are published',
  }),
  IDENTITY_ISSUER: Type.String({ default: 'http://localhost:8080', minLength: 1 }),
  IDENTITY_AUDIENCE: Type.String({ default: 'mercato', minLength: 1 }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ default: 15000, minimum: 100 }),
  IDENTITY_URL: Type.String({ default: localServiceUrl('identity'), pattern: '^https?://' }),
  SERVICE_CLIENT_ID: Type.Optional(
    Type.String({ minLength: 1, description: "the service's own OAuth client (client credentials)" }),
  ),
  SERVICE_CLIENT_SECRET: Type.Optional(Type.String({ minLength: 1 })),
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

/** Set by the distributed launcher on the children it spawns with an IPC channel. */
export const LAUNCHED_WITH_IPC = 'MERCATO_LAUNCHED_WITH_IPC';

/** What ends a process, installed before anything else it does (see {@link handleShutdown}). */
export interface ShutdownHandler {
  /** From now on, an end closes gracefully with `close`, bounded by timeoutMs, then exits. */
  closeWith(close: () => Promise<void>, timeoutMs: number): void;
}

/**
 * Installs what ends the process: SIGINT, SIGTERM, and for a child of the distributed
 * launcher (spawned with an IPC channel) the channel closing, which is how a child learns
 * that its launcher is gone, even one killed with SIGKILL. Install it first: until
 * `closeWith` is called (during start-up), an end exits at once, since there is nothing to
 * drain yet and a half-started process must not outlive its launcher; after, it closes
 * gracefully. At most once.
 */
export function handleShutdown(logger: Logger): ShutdownHandler {
  let graceful: { close: () => Promise<void>; timeoutMs: number } | undefined;
  let closing = false;
  const onEnd = (reason: string) => {
    if (closing) return;
    closing = true;
    const code = reason === 'SIGINT' ? 130 : reason === 'SIGTERM' ? 143 : 0;
    if (!graceful) {
      logger.info({ reason }, 'stopping during start-up');
      process.exit(code);
    }
    logger.info({ reason }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, graceful.timeoutMs);
    force.unref();
    graceful.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => onEnd('SIGINT'));
  process.once('SIGTERM', () => onEnd('SIGTERM'));
  if (process.channel) {
    process.once('disconnect', () => onEnd('launcher gone'));
    // The channel alone must not keep a process alive that has nothing else to do.
    process.channel.unref();
  } else if (process.env[LAUNCHED_WITH_IPC] === '1') {
    // Launched with a channel that closed before this ran (the launcher died while this
    // process was still loading): nobody will send 'disconnect' again.
    onEnd('launcher gone');
  }
  return {
    closeWith(close, timeoutMs) {
      graceful = { close, timeoutMs };
    },
  };
}

/**
 * Runs one service as its own process from environment settings (its src/main.ts):
 * PostgreSQL + NATS + Redis, listening on PORT (or its manifest's port).
 */
export async function runServiceProcess(def: AnyService): Promise<HostedRuntime> {
  const name = def.manifest.name;
  const logger = createLogger({ service: name });
  // First: a Ctrl-C or the launcher's end during start-up must stop this process too.
  const shutdown = handleShutdown(logger);
  let cfg: ServiceProcessConfig;
  try {
    cfg = loadConfig(ServiceProcessConfig);
    // The service's own settings too, before any connection: a bad one stops start-up naming it.
    loadServiceConfig(def, process.env, false);
  } catch (err) {
    logger.fatal(String(err instanceof Error ? err.message : err));
    process.exit(78); // EX_CONFIG
  }
  const telemetry = await startTelemetry(name, { logger });
  const { bus, cache } = await connectDistributed(name, cfg, logger);
  // A bad setting of the service's own stops start-up too, naming the variable.
  const runtime = await def.build({
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
    // Calls made outside a caller's request (consumers, workers) carry the service's own token.
    ...(cfg.SERVICE_CLIENT_ID &&
      cfg.SERVICE_CLIENT_SECRET && {
        serviceToken: createClientCredentials({
          tokenUrl: `${cfg.IDENTITY_URL}/api/v1/oauth/token`,
          clientId: cfg.SERVICE_CLIENT_ID,
          clientSecret: cfg.SERVICE_CLIENT_SECRET,
        }),
      }),
    retry: { maxAttempts: cfg.EVENT_MAX_ATTEMPTS, baseDelayMs: cfg.EVENT_RETRY_BASE_MS, maxDelayMs: 60_000 },
  });
  await runtime.start();
  const address = await runtime.listen(cfg.PORT ?? def.manifest.port, cfg.HOST);
  logger.info({ address }, `${name} listening`);
  shutdown.closeWith(async () => {
    await runtime.close();
    await bus.close();
    await cache.close();
    await telemetry.shutdown();
  }, cfg.SHUTDOWN_TIMEOUT_MS);
  return runtime;
}
