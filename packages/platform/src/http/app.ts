import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Plugin } from 'ajv';
import { createRequire } from 'node:module';
import type { Counter, Histogram } from 'prom-client';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import { isTraceparent, newTraceparent, runWithContext } from '../context/index.ts';
import { newId } from '../ids/index.ts';
import type { Logger } from '../logging/index.ts';
import type { ServiceMetrics } from '../metrics/index.ts';
import { serverSpanTraceparent } from '../telemetry/trace.ts';
import { documentExamples, routeOperation, SECURITY_SCHEMES } from './openapi.ts';
import { installProblemHandlers, sendProblem, toAppError } from './problem-handler.ts';
import { problemClientError, refuseNulInTarget } from './request-guards.ts';
import { ProblemSchema } from './schemas.ts';
import { bodyStrictValidators, lazySerializers } from './validator.ts';

/** A Fastify instance typed by TypeBox schemas: what service route modules receive. */
export type ServiceApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** Options of the kit's Fastify app. */
export interface AppOptions {
  name: string;
  logger: Logger;
  metrics: ServiceMetrics;
  bodyLimit?: number;
  version?: string;
  description?: string;
  /** One info line per answered request (default: LOG_REQUESTS=true). Errors are logged either way. */
  logRequests?: boolean;
  /** Mount GET /openapi.json with this app's own spec (default true; the gateway serves a merged one). */
  openapiRoute?: boolean;
}

// ajv-formats is CommonJS whose typings NodeNext cannot call; require gives the plugin function.
const addFormats = createRequire(import.meta.url)('ajv-formats') as Plugin<unknown>;

const CORRELATION = /^[\w.:-]{1,128}$/;

/**
 * One line per request, written when it is answered: the logger's `req` and `res`
 * serializers (logging/http-serializers.ts) give method, route, path, client address,
 * correlation id and status; `responseTime` is the latency in ms. Fastify's separate
 * "incoming request" line would double the cost for nothing the completed line lacks.
 */
class RequestLines extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (this.isLogDisabled(request)) return;
    const line = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}

/**
 * The Fastify app every service and the gateway start from: correlation id (accepted,
 * generated, echoed), request context for logs and events, problem+json errors, metrics
 * per route template, OpenAPI at /openapi.json, and a body size limit.
 */
export async function createApp(opts: AppOptions): Promise<ServiceApp> {
  const app = Fastify({
    loggerInstance: opts.logger as FastifyBaseLogger,
    // Per-request info lines cost throughput; LOG_REQUESTS=true turns them on. Errors are always logged.
    logController: new RequestLines({
      disableRequestLogging: !(opts.logRequests ?? process.env.LOG_REQUESTS === 'true'),
    }),
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    requestIdHeader: false,
    // No child logger per request: the logger's mixin adds the request's correlationId (the
    // request id) from the request context to every line. A child per request built a
    // masked copy of its bindings and serialized them, on every request, for lines that
    // are rarely written.
    childLoggerFactory: (logger) => logger,
    genReqId: (req) => {
      const given = req.headers['x-correlation-id'];
      return typeof given === 'string' && CORRELATION.test(given) ? given : newId();
    },
    ajv: {
      customOptions: { allErrors: true, removeAdditional: false, coerceTypes: 'array', useDefaults: true },
      plugins: [addFormats],
    },
    // Bodies are validated without type coercion (and refused with a NUL anywhere); params,
    // query strings and headers are text and keep coercion: see validator.ts. Validators and
    // serializers are compiled on first use, not at start-up.
    schemaController: {
      compilersFactory: { buildValidator: bodyStrictValidators(), buildSerializer: lazySerializers() },
    },
    // What the router refuses before any hook runs (a path parameter over maxParamLength is
    // a 414, a malformed %-escape a 400) and what Node's parser refuses: problem+json too.
    frameworkErrors: (err, request, reply) => {
      void sendProblem(request, reply, toAppError(err));
    },
    clientErrorHandler: problemClientError,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addSchema(ProblemSchema);

  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-correlation-id', request.id);
    try {
      // A NUL in the URL (params, query) or a header: refused before anything reads them.
      refuseNulInTarget(request);
    } catch (err) {
      done(err as Error);
      return;
    }
    const tp = request.headers.traceparent;
    const auth = request.headers.authorization;
    runWithContext(
      {
        correlationId: request.id,
        // Tracing on: the server span's context (it continues the caller's traceparent), so
        // logs' traceId and the events' traceparent match the exported spans.
        traceparent:
          serverSpanTraceparent(request.method, request.routeOptions.url) ??
          (isTraceparent(tp) ? tp : newTraceparent()),
        ...(auth ? { authorization: auth } : {}),
      },
      done,
    );
  });

  // Each (method, route, status)'s series, bound once: prom-client validates and hashes a
  // labels object on every inc/observe, twice per request.
  const series = new Map<
    string,
    { requests: Counter.Internal; duration: Histogram.Internal<'method' | 'route' | 'status'> }
  >();
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const key = `${request.method} ${route} ${reply.statusCode}`;
    let s = series.get(key);
    if (!s) {
      const labels = { method: request.method, route, status: String(reply.statusCode) };
      s = {
        requests: opts.metrics.httpRequests.labels(labels),
        duration: opts.metrics.httpDuration.labels(labels),
      };
      series.set(key, s);
    }
    s.requests.inc();
    s.duration.observe(reply.elapsedTime / 1000);
    done();
  });

  installProblemHandlers(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: `Mercato ${opts.name}`,
        version: opts.version ?? '0.1.0',
        description: opts.description,
      },
      components: { securitySchemes: SECURITY_SCHEMES },
    },
    // Security from each route's auth config, operationIds, problem+json errors, optional
    // defaults and examples: see openapi.ts.
    transform: routeOperation,
    transformObject: documentExamples,
  });

  if (opts.openapiRoute !== false) {
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  }
  return app;
}
