import { localServiceUrl } from '@mercato/contracts';
import { ConfigError, loadConfig } from '@mercato/platform/config';
import type { ServiceApp } from '@mercato/platform/http';
import type { Logger } from '@mercato/platform/logging';
import type { ServiceMetrics } from '@mercato/platform/metrics';
import type { TokenVerifier } from '@mercato/platform/auth';
import type { EventBus } from '@mercato/platform/messaging';
import { Type, type Static } from 'typebox';
import type { RateLimitStore } from './rate-limit/store.ts';
import { isServiceName } from './routing/route-table.ts';

const PerMinute = (def: number, what: string) =>
  Type.Integer({ default: def, minimum: 1, description: `requests per window of ${what}` });

/** The rate-limit settings (also read by the launcher for the in-process gateway). */
export const RateLimitConfigSchema = Type.Object({
  RATE_LIMIT_ANONYMOUS: PerMinute(100, 'a client IP without credentials'),
  RATE_LIMIT_AUTHENTICATED: PerMinute(1000, 'a signed-in user or API key'),
  RATE_LIMIT_PREMIUM: PerMinute(10000, 'a premium-tier user or API key'),
  RATE_LIMIT_WINDOW_SECONDS: Type.Integer({ default: 60, minimum: 1, maximum: 86_400 }),
  RATE_LIMIT_SYNC_MS: Type.Integer({
    default: 50,
    minimum: 0,
    maximum: 10_000,
    description:
      'with Redis: count locally and send the sums every this many ms (0 = one Redis call per request); ' +
      'N gateways may over-admit a caller by what it sends the others in one interval',
  }),
});
export type RateLimitConfig = Static<typeof RateLimitConfigSchema>;

/** The gateway process's environment settings. */
export const GatewayConfigSchema = Type.Object({
  HOST: Type.String({ default: '127.0.0.1' }),
  PORT: Type.Integer({ default: 8080, minimum: 0, maximum: 65535 }),
  UPSTREAMS: Type.String({
    default: '',
    description: 'Services behind the gateway: `name=url,name=url` or a JSON object {"name":"url"}',
  }),
  CORS_ORIGINS: Type.String({
    default: '',
    description: 'Comma list of allowed origins, `*` for any; empty = CORS off',
  }),
  UPSTREAM_TIMEOUT_MS: Type.Integer({ default: 10000, minimum: 1 }),
  BREAKER_FAILURES: Type.Integer({ default: 5, minimum: 1 }),
  BREAKER_HALF_OPEN_MS: Type.Integer({ default: 10000, minimum: 1 }),
  BODY_LIMIT_BYTES: Type.Integer({ default: 1048576, minimum: 1024 }),
  UPLOAD_BODY_LIMIT_BYTES: Type.Integer({
    default: 52_428_800,
    minimum: 1024,
    description: 'body limit of bulk uploads (POST to a path ending in /import)',
  }),
  UPLOAD_TIMEOUT_MS: Type.Integer({
    default: 300_000,
    minimum: 1,
    description: 'upstream timeout of bulk uploads',
  }),
  HSTS_MAX_AGE: Type.Integer({
    default: 0,
    minimum: 0,
    description: 'Strict-Transport-Security max-age; 0 = off',
  }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ default: 15000, minimum: 100 }),
  IDENTITY_JWKS_URL: Type.String({
    default: `${localServiceUrl('identity')}/.well-known/jwks.json`,
    pattern: '^https?://',
    description: 'where access-token verification keys are published',
  }),
  IDENTITY_ISSUER: Type.String({ default: 'http://localhost:8080', minLength: 1 }),
  IDENTITY_AUDIENCE: Type.String({ default: 'mercato', minLength: 1 }),
  IDENTITY_URL: Type.String({
    default: localServiceUrl('identity'),
    pattern: '^https?://',
    description: 'identity, for the API-key exchange (POST /internal/api-keys/exchange)',
  }),
  TOKEN_CACHE_SIZE: Type.Integer({
    default: 10000,
    minimum: 0,
    description: 'verified access tokens remembered (until exp, at most 60 s); 0 = verify every request',
  }),
  REDIS_URL: Type.String({
    default: '',
    pattern: '^(rediss?://.*)?$',
    description: 'rate-limit counters shared by every gateway instance; empty = in this process only',
  }),
  NATS_URL: Type.String({
    default: 'nats://127.0.0.1:4222',
    description:
      "where identity's revocation events come from (token revocation deny-list); empty = none (not for production)",
  }),
  ...RateLimitConfigSchema.properties,
});
export type GatewayConfig = Static<typeof GatewayConfigSchema>;

/** How the gateway is built; the launcher passes this directly in embedded mode. */
export interface GatewayOptions {
  /** Service name → base URL (`http://127.0.0.1:<port>`). Names not listed are "not deployed". */
  upstreams: Readonly<Record<string, string>>;
  logger?: Logger;
  /** The registry /metrics serves; the gateway adds its upstream metrics to it. */
  metrics?: ServiceMetrics;
  /** Allowed CORS origins (`['*']` for any); empty or absent = no CORS headers at all. */
  corsOrigins?: readonly string[];
  upstreamTimeoutMs?: number;
  /** Consecutive failures that open an upstream's circuit. */
  breakerFailures?: number;
  /** How long an open circuit rejects before one trial call is let through. */
  breakerHalfOpenMs?: number;
  bodyLimitBytes?: number;
  /** Bulk uploads (POST …/import): their own body limit and upstream timeout. */
  uploadBodyLimitBytes?: number;
  uploadTimeoutMs?: number;
  /** Strict-Transport-Security max-age in seconds; 0 or absent = no HSTS header. */
  hstsMaxAge?: number;
  /** Per-upstream timeout of the aggregated /health/ready. */
  healthTimeoutMs?: number;
  /** How long the merged /openapi.json is reused. */
  openapiCacheMs?: number;
  /** Bearer-token verification and the API-key exchange (defaults: identity on loopback at its manifest's port). */
  auth?: GatewayAuthOptions;
  /** Requests per window per caller (defaults: 100 / 1,000 / 10,000 per 60 s, in memory). */
  rateLimit?: GatewayRateLimitOptions;
  /**
   * The bus identity publishes on: the gateway listens to its revocation events (a revoked
   * API key, a disabled user, a roles change) and refuses the tokens they end (ADR 0005).
   * Absent = no revocations are known here (the services still refuse those tokens).
   */
  bus?: EventBus;
  /** Mounts more routes on the gateway (the launcher mounts the web UI). */
  extraRoutes?: (app: ServiceApp) => void | Promise<void>;
}

/** How the gateway establishes who calls (src/auth/). */
export interface GatewayAuthOptions {
  /** Verifies bearer tokens; default: the kit's verifier over jwksUrl, issuer and audience. */
  tokenVerifier?: TokenVerifier;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** Identity's base URL for `POST /internal/api-keys/exchange`. */
  identityUrl?: string;
  /** Verified tokens remembered until they expire (at most 60 s); default 10,000, 0 = off. */
  tokenCacheSize?: number;
}

/** Limits per caller and where the counters live (src/rate-limit/). */
export interface GatewayRateLimitOptions {
  anonymous?: number;
  authenticated?: number;
  premium?: number;
  windowSeconds?: number;
  /** Counters in Redis (shared by every instance); absent = in this process. */
  redisUrl?: string;
  /** With redisUrl: local counts sent to Redis every syncMs (default 50; 0 = a Redis call per request). */
  syncMs?: number;
  /** A store of the caller's own (tests); the gateway does not close it. Wins over redisUrl. */
  store?: RateLimitStore;
}

/** Parses `name=url,name=url` or a JSON object into service → URL, checking names and URLs. */
export function parseUpstreams(text: string): Record<string, string> {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  let entries: [string, unknown][];
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new ConfigError('UPSTREAMS: not valid JSON');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new ConfigError('UPSTREAMS: JSON must be an object of name → URL');
    }
    entries = Object.entries(parsed);
  } else {
    entries = trimmed.split(',').map((pair) => {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new ConfigError(`UPSTREAMS: expected name=url, got ${JSON.stringify(pair.trim())}`);
      return [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()];
    });
  }
  const out: Record<string, string> = {};
  for (const [name, url] of entries) {
    if (typeof url !== 'string') throw new ConfigError(`UPSTREAMS: URL of ${name} must be a string`);
    out[name] = normalizeUpstream(name, url, (m) => new ConfigError(`UPSTREAMS: ${m}`));
  }
  return out;
}

/** Validates one upstream entry; returns its base URL without a trailing slash. */
export function normalizeUpstream(
  name: string,
  url: string,
  fail: (message: string) => Error = (m) => new Error(m),
): string {
  if (!isServiceName(name)) throw fail(`unknown service ${JSON.stringify(name)}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw fail(`${name}: invalid URL ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw fail(`${name}: URL must be http(s), got ${JSON.stringify(url)}`);
  }
  if (parsed.search !== '' || parsed.hash !== '')
    throw fail(`${name}: URL must not have a query or fragment`);
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}

/** Parses a comma list of origins; empty → []. */
export function parseOrigins(text: string): string[] {
  return text
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
}

/** Reads the gateway's settings from the environment. */
export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const cfg = loadConfig(GatewayConfigSchema, env);
  parseUpstreams(cfg.UPSTREAMS); // fail at start-up, naming the variable, not on first request
  return cfg;
}

/** Rate limits from environment settings, without the store. */
export function rateLimitOptionsFromConfig(cfg: RateLimitConfig): GatewayRateLimitOptions {
  return {
    anonymous: cfg.RATE_LIMIT_ANONYMOUS,
    authenticated: cfg.RATE_LIMIT_AUTHENTICATED,
    premium: cfg.RATE_LIMIT_PREMIUM,
    windowSeconds: cfg.RATE_LIMIT_WINDOW_SECONDS,
    syncMs: cfg.RATE_LIMIT_SYNC_MS,
  };
}

/** Reads only the rate-limit variables (the launcher's in-process gateway). */
export function loadRateLimitOptions(env: NodeJS.ProcessEnv = process.env): GatewayRateLimitOptions {
  return rateLimitOptionsFromConfig(loadConfig(RateLimitConfigSchema, env));
}

/** Turns environment settings into build options. */
export function gatewayOptionsFromConfig(cfg: GatewayConfig): GatewayOptions {
  return {
    auth: {
      jwksUrl: cfg.IDENTITY_JWKS_URL,
      issuer: cfg.IDENTITY_ISSUER,
      audience: cfg.IDENTITY_AUDIENCE,
      identityUrl: cfg.IDENTITY_URL,
      tokenCacheSize: cfg.TOKEN_CACHE_SIZE,
    },
    rateLimit: {
      ...rateLimitOptionsFromConfig(cfg),
      ...(cfg.REDIS_URL ? { redisUrl: cfg.REDIS_URL } : {}),
    },
    upstreams: parseUpstreams(cfg.UPSTREAMS),
    corsOrigins: parseOrigins(cfg.CORS_ORIGINS),
    upstreamTimeoutMs: cfg.UPSTREAM_TIMEOUT_MS,
    breakerFailures: cfg.BREAKER_FAILURES,
    breakerHalfOpenMs: cfg.BREAKER_HALF_OPEN_MS,
    bodyLimitBytes: cfg.BODY_LIMIT_BYTES,
    uploadBodyLimitBytes: cfg.UPLOAD_BODY_LIMIT_BYTES,
    uploadTimeoutMs: cfg.UPLOAD_TIMEOUT_MS,
    hstsMaxAge: cfg.HSTS_MAX_AGE,
  };
}
