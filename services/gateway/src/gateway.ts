import { followRevocations } from '@mercato/platform/auth';
import { createApp, registerHealthRoutes, type ServiceApp } from '@mercato/platform/http';
import { createLogger } from '@mercato/platform/logging';
import type { Subscription } from '@mercato/platform/messaging';
import { createMetrics } from '@mercato/platform/metrics';
import { Agent } from 'undici';
import { createAccessControl } from './access-control.ts';
import { normalizeUpstream, type GatewayOptions } from './config.ts';
import { upstreamReadinessChecks } from './health.ts';
import { MergedSpec, registerDocs } from './openapi/spec-routes.ts';
import { registerProxyRoutes } from './proxy/proxy-routes.ts';
import { Upstream } from './proxy/upstream.ts';
import { createUpstreamMetrics } from './proxy/upstream-metrics.ts';
import type { ServiceName } from './routing/route-table.ts';
import { registerSecurity } from './security.ts';

export type { GatewayAuthOptions, GatewayOptions, GatewayRateLimitOptions } from './config.ts';
export {
  gatewayOptionsFromConfig,
  loadGatewayConfig,
  loadRateLimitOptions,
  parseUpstreams,
} from './config.ts';
export type { RateLimitStore, RateLimitHit } from './rate-limit/store.ts';
export { createMemoryRateLimitStore } from './rate-limit/memory-store.ts';
export { createRedisRateLimitStore } from './rate-limit/redis-store.ts';
export { SERVICE_NAMES, resourceOwners, resolveRoute } from './routing/route-table.ts';
export type { ServiceName, RouteMatch } from './routing/route-table.ts';
export { GatewayErrors } from './errors.ts';

/** A built gateway: listen with `app.listen`, stop with `close`. */
export interface Gateway {
  app: ServiceApp;
  close(): Promise<void>;
}

const VERSION = '0.1.0';

/**
 * Builds the gateway (not listening): security headers and CORS, bearer tokens and API
 * keys verified (and refused once identity revokes them, when `bus` is given) and rate limits applied, `/api/*` and `/.well-known/*` proxied to the
 * owning services with a circuit breaker each, aggregated /health/ready, /metrics, the
 * merged /openapi.json and Swagger UI on /docs. Used in-process by the launcher (embedded
 * mode) and by src/main.ts (its own process).
 */
export async function buildGateway(opts: GatewayOptions): Promise<Gateway> {
  const logger = opts.logger ?? createLogger({ service: 'gateway' });
  const metrics = opts.metrics ?? createMetrics('gateway');
  const timeoutMs = opts.upstreamTimeoutMs ?? 10_000;
  const bodyLimit = opts.bodyLimitBytes ?? 1024 * 1024;

  // One undici pool per upstream origin (the Agent keeps a Pool per origin), kept alive.
  const agent = new Agent({ connections: 128, pipelining: 1, connect: { timeout: timeoutMs } });
  const upstreamMetrics = createUpstreamMetrics(metrics.registry);
  const upstreams = new Map<ServiceName, Upstream>();
  const origins = new Set<string>();
  for (const [name, url] of Object.entries(opts.upstreams)) {
    const up = new Upstream({
      name: name as ServiceName, // checked by normalizeUpstream just below
      base: normalizeUpstream(name, url, (m) => new Error(`gateway upstreams: ${m}`)),
      dispatcher: agent,
      metrics: upstreamMetrics,
      timeoutMs,
      breakerFailures: opts.breakerFailures ?? 5,
      breakerHalfOpenMs: opts.breakerHalfOpenMs ?? 10_000,
      logger,
    });
    // Calls are matched to their breaker by origin.
    if (origins.has(up.origin))
      throw new Error(`gateway upstreams: ${name} shares ${up.origin} with another service`);
    origins.add(up.origin);
    upstreams.set(up.name, up);
  }

  const access = createAccessControl(opts.auth ?? {}, opts.rateLimit ?? {}, logger, metrics);
  const bus = opts.bus;
  let revocationFeed: Subscription | undefined;

  const app = await createApp({
    name: 'gateway',
    logger,
    metrics,
    bodyLimit,
    version: VERSION,
    description: 'Routing, CORS, security headers, merged OpenAPI',
    openapiRoute: false,
  });
  try {
    app.decorateRequest('gatewayIdentity', null);
    // The gateway's own endpoints are limited per client IP whatever the credentials (a
    // token is not even verified there); proxied routes are limited in authenticate.
    app.addHook('onRequest', access.limitOwnEndpoints);
    await registerSecurity(app, { corsOrigins: opts.corsOrigins ?? [], hstsMaxAge: opts.hstsMaxAge ?? 0 });
    const spec = new MergedSpec({
      upstreams: [...upstreams.values()],
      dispatcher: agent,
      ttlMs: opts.openapiCacheMs ?? 30_000,
      timeoutMs: Math.min(timeoutMs, 3000),
      version: VERSION,
    });
    await registerDocs(app, spec);
    registerHealthRoutes(
      app,
      [
        ...upstreamReadinessChecks(upstreams.values(), agent, opts.healthTimeoutMs ?? 1500),
        ...(bus ? [{ name: 'bus', check: () => bus.ping(), required: false }] : []),
      ],
      metrics,
    );
    await registerProxyRoutes(app, {
      upstreams,
      fallback: agent,
      timeoutMs,
      bodyLimit,
      upload: {
        bodyLimit: opts.uploadBodyLimitBytes ?? 50 * 1024 * 1024,
        timeoutMs: opts.uploadTimeoutMs ?? 300_000,
      },
      authenticate: access.authenticate,
    });
    if (opts.extraRoutes) await opts.extraRoutes(app);
    // Until the web app is mounted here, the root leads a visitor to the API documentation.
    if (!app.hasRoute({ method: 'GET', url: '/' })) {
      app.get('/', { schema: { hide: true } }, (_request, reply) => reply.redirect('/docs', 302));
    }
    // After the server has stopped and in-flight requests are done: drop the pooled sockets.
    app.addHook('onClose', async () => {
      await revocationFeed?.stop();
      await agent.destroy();
      await access.close();
    });
    // Before the first request: the revocations of the last day are replayed (a gateway
    // started after a revocation must know it), then followed as identity publishes them.
    if (bus) revocationFeed = await followRevocations(bus, access.revocations, { name: 'gateway' });
    await app.ready();
  } catch (err) {
    await app.close().catch(() => undefined);
    await revocationFeed?.stop();
    await agent.destroy();
    await access.close();
    throw err;
  }

  let closing: Promise<void> | undefined;
  return {
    app,
    close: () => (closing ??= app.close()),
  };
}
