import { MAX_ACCESS_TOKEN_TTL_SECONDS } from '@mercato/platform/auth';
import { loadConfig } from '@mercato/platform/config';
import { Type, type Static } from 'typebox';

/** Identity's settings (env). Secrets have no default outside embedded mode. */
export const IdentityConfig = Type.Object({
  IDENTITY_ISSUER: Type.String({
    default: 'http://localhost:8080',
    description: 'iss of every token (the public URL)',
  }),
  IDENTITY_AUDIENCE: Type.String({ default: 'mercato', minLength: 1 }),
  // Verifiers remember revocations this long (ADR 0005): no token may outlive that.
  ACCESS_TOKEN_TTL_SECONDS: Type.Integer({
    default: 900,
    minimum: 60,
    maximum: MAX_ACCESS_TOKEN_TTL_SECONDS,
  }),
  REFRESH_TOKEN_TTL_SECONDS: Type.Integer({ default: 30 * 86_400, minimum: 3600 }),
  MFA_TOKEN_TTL_SECONDS: Type.Integer({ default: 300, minimum: 30, maximum: 3600 }),
  EMAIL_TOKEN_TTL_SECONDS: Type.Integer({ default: 86_400, minimum: 60 }),
  REQUIRE_VERIFIED_EMAIL: Type.Boolean({ default: true }),
  LOCKOUT_THRESHOLD: Type.Integer({ default: 5, minimum: 1 }),
  LOCKOUT_WINDOW_SECONDS: Type.Integer({ default: 900, minimum: 1 }),
  LOCKOUT_DURATION_SECONDS: Type.Integer({ default: 900, minimum: 1 }),
  ARGON2_MEMORY_KIB: Type.Integer({ default: 19_456, minimum: 1024 }),
  ARGON2_TIME_COST: Type.Integer({ default: 2, minimum: 1 }),
  PASSWORD_MIN_LENGTH: Type.Integer({ default: 10, minimum: 8 }),
  BOOTSTRAP_ADMIN_EMAIL: Type.Optional(Type.String({ format: 'email' })),
  BOOTSTRAP_ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 12 })),
  IDENTITY_SERVICE_CLIENTS: Type.Optional(
    Type.String({
      minLength: 2,
      description:
        'service accounts to keep registered, as JSON [{"clientId","secret","scopes":[…]}]: each is created or given this secret and these scopes at start (the launcher sets it for the services that call with their own token)',
    }),
  ),
});
export type IdentityConfig = Static<typeof IdentityConfig>;

/** Reads identity's settings; throws a ConfigError naming a bad variable. */
export function identityConfig(env: NodeJS.ProcessEnv = process.env): IdentityConfig {
  return loadConfig(IdentityConfig, env);
}
