import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { ServiceApp } from '@mercato/platform/http';

/** Response headers a browser client may read (correlation, caching, rate limits, back-off). */
export const EXPOSED_HEADERS = [
  'X-Correlation-ID',
  'ETag',
  'Location',
  'Retry-After',
  'RateLimit',
  'RateLimit-Policy',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'Idempotent-Replayed',
];

/** Security options of the gateway. */
export interface SecurityOptions {
  /** Allowed origins; `*` allows any; empty = CORS off (no CORS headers, preflights not answered). */
  corsOrigins: readonly string[];
  /** Strict-Transport-Security max-age in seconds; 0 = no HSTS (plain-http localhost). */
  hstsMaxAge: number;
}

/**
 * Helmet's headers suited to a JSON API: no Content-Security-Policy (nothing to render;
 * the docs page sets its own), HSTS only when configured. CORS only when origins are set.
 */
export async function registerSecurity(app: ServiceApp, opts: SecurityOptions): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: false,
    hsts: opts.hstsMaxAge > 0 ? { maxAge: opts.hstsMaxAge, includeSubDomains: true } : false,
  });
  if (opts.corsOrigins.length === 0) return;
  const any = opts.corsOrigins.includes('*');
  await app.register(cors, {
    origin: any ? '*' : [...opts.corsOrigins],
    // Credentials only towards named origins: browsers refuse them with `*` anyway.
    credentials: !any,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  });
}
