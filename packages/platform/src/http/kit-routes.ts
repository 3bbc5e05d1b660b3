import { EventEnvelopeSchema } from '@mercato/contracts';
import { Type } from 'typebox';
import type { DeadLetterStore } from '../messaging/dead-letters.ts';
import type { ServiceMetrics } from '../metrics/index.ts';
import type { ServiceApp } from './app.ts';
import { PageOf, PageQuery, pageResult, problemResponses } from './schemas.ts';

/** A dead letter as the operations routes answer it. */
const DeadLetterSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  consumer: Type.String({ description: 'the subscription that gave up' }),
  eventId: Type.String({ format: 'uuid' }),
  eventType: Type.String({ examples: ['product.created'] }),
  error: Type.String({ description: 'the last failure' }),
  attempts: Type.Integer({ minimum: 0 }),
  createdAt: Type.String({ format: 'date-time' }),
  replayedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  // The envelope's fields without its $id: an $id may be declared once per app.
  envelope: Type.Object(EventEnvelopeSchema.properties),
});

/** A named readiness check; throws when its dependency is down. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
  /**
   * Whether the process can serve without it (default true: it cannot). A dependency the
   * service copes without (the bus: the outbox holds events; the cache: reads go to the
   * database) is reported as degraded, not by leaving the pool (docs/adr/0007).
   */
  required?: boolean;
}

/** One check's outcome as /health/ready reports it. */
type CheckResult = { status: 'up' } | { status: 'down'; error: string };

function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs every check in parallel and records each as `dependency_up{dependency}`. Ready means
 * "can serve": every required check is up; a failing optional one makes it degraded.
 */
export function readinessProbe(checks: ReadinessCheck[], metrics: ServiceMetrics) {
  return async (): Promise<{
    status: 'ready' | 'degraded' | 'not_ready';
    checks: Record<string, CheckResult>;
  }> => {
    const results = await Promise.all(
      checks.map(async (c): Promise<[ReadinessCheck, CheckResult]> => {
        try {
          await withTimeout(c.check(), 2000);
          return [c, { status: 'up' }];
        } catch (err) {
          return [c, { status: 'down', error: err instanceof Error ? err.message : String(err) }];
        }
      }),
    );
    for (const [c, r] of results) metrics.dependencyUp.set({ dependency: c.name }, r.status === 'up' ? 1 : 0);
    const down = results.filter(([, r]) => r.status === 'down').map(([c]) => c);
    const status = down.some((c) => c.required !== false) ? 'not_ready' : down.length ? 'degraded' : 'ready';
    return { status, checks: Object.fromEntries(results.map(([c, r]) => [c.name, r])) };
  };
}

/**
 * /health/live, /health/ready (503 only when a required dependency is down; 200 "degraded"
 * when an optional one is) and /metrics (which probes the dependencies first, so the
 * `dependency_up` gauge is current whoever scrapes it).
 */
export function registerHealthRoutes(
  app: ServiceApp,
  checks: ReadinessCheck[],
  metrics: ServiceMetrics,
): void {
  const probe = readinessProbe(checks, metrics);
  app.get('/health/live', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/health/ready', { schema: { hide: true } }, async (_request, reply) => {
    const result = await probe();
    reply.code(result.status === 'not_ready' ? 503 : 200);
    return result;
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    await probe();
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}

/**
 * Dead-letter admin endpoints of a service, under `/admin/dead-letters`. The gateway
 * exposes them as `/api/v1/admin/<service>/dead-letters`.
 */
export function registerDeadLetterRoutes(app: ServiceApp, store: DeadLetterStore): void {
  app.get(
    '/admin/dead-letters',
    {
      config: { auth: { permission: 'dead-letters:replay' } },
      schema: {
        tags: ['operations'],
        summary: 'List events that consumers gave up on',
        querystring: Type.Object({ ...PageQuery, includeReplayed: Type.Boolean({ default: false }) }),
        response: { 200: PageOf(DeadLetterSchema) },
      },
    },
    async (request) => {
      const { page, pageSize, includeReplayed } = request.query;
      const r = await store.list({ includeReplayed, limit: pageSize, offset: (page - 1) * pageSize });
      return pageResult(r.items, page, pageSize, r.totalCount);
    },
  );

  app.post(
    '/admin/dead-letters/:id/replay',
    {
      config: { auth: { permission: 'dead-letters:replay' } },
      schema: {
        tags: ['operations'],
        summary: 'Run a dead-lettered event through its consumer again',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: { 200: DeadLetterSchema, ...problemResponses(404, 409) },
      },
    },
    async (request) => store.replay(request.params.id),
  );
}
