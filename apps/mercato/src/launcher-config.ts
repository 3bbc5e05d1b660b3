import { loadConfig } from '@mercato/platform/config';
import path from 'node:path';
import { Type, type Static } from 'typebox';

/** Environment of the launcher (README, "Configuration"); a bad value stops start-up naming it. */
export const LauncherConfig = Type.Object({
  HOST: Type.String({ default: 'localhost', minLength: 1 }),
  GATEWAY_PORT: Type.Integer({ default: 8080, minimum: 1, maximum: 65535 }),
  MERCATO_PORT_OFFSET: Type.Integer({ default: 0, minimum: 0, maximum: 50_000 }),
  MERCATO_DATA_DIR: Type.String({ default: '.data', minLength: 1 }),
  MERCATO_SEED: Type.Boolean({ default: true }),
  POSTGRES_URL: Type.String({
    default: 'postgres://postgres@127.0.0.1:5432/postgres',
    pattern: '^postgres(ql)?://',
  }),
  NATS_URL: Type.String({ default: 'nats://127.0.0.1:4222', minLength: 1 }),
  REDIS_URL: Type.String({ default: 'redis://127.0.0.1:6379', pattern: '^rediss?://' }),
  MERCATO_READY_TIMEOUT_MS: Type.Integer({ default: 120_000, minimum: 1000 }),
  /** Distributed mode: checkout processes on one database (replicas beyond the first on port + 100 × n). */
  MERCATO_CHECKOUT_REPLICAS: Type.Integer({ default: 1, minimum: 1, maximum: 4 }),
});
export type LauncherConfig = Static<typeof LauncherConfig>;

/**
 * The issuer of access tokens: `IDENTITY_ISSUER` when set, else the gateway's public URL
 * as the launcher prints it (port offset included). Identity's discovery document and
 * email links hang off it, so a standard OIDC client fetching the gateway's
 * `/.well-known/openid-configuration` finds the URL it asked; every verifier expects it.
 */
export function publicIssuer(gatewayPort: number, env: NodeJS.ProcessEnv = process.env): string {
  return env.IDENTITY_ISSUER ?? `http://localhost:${gatewayPort}`;
}

/** The launcher's settings from env. */
export function launcherConfig(env: NodeJS.ProcessEnv = process.env): LauncherConfig {
  return loadConfig(LauncherConfig, env);
}

/** Where embedded mode's PGlite keeps its files (MERCATO_DATA_DIR/pglite). */
export function embeddedDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(launcherConfig(env).MERCATO_DATA_DIR, 'pglite');
}
