import replyFrom, { type FastifyReplyFromHooks } from '@fastify/reply-from';
import { CommonErrors } from '@mercato/platform/errors';
import { sendProblem, type ServiceApp } from '@mercato/platform/http';
import type {
  FastifyReply,
  FastifyRequest,
  HTTPMethods,
  RawServerBase,
  RouteGenericInterface,
} from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import type { IncomingHttpHeaders as Http2IncomingHttpHeaders } from 'node:http2';
import type { Dispatcher } from 'undici';
import { applyIdentity } from '../auth/authenticate.ts';
import { GatewayErrors } from '../errors.ts';
import { resolveRoute, type ServiceName } from '../routing/route-table.ts';
import { passthroughParser } from './body-passthrough.ts';
import { currentContext, isTraceparent, newTraceparent } from '@mercato/platform/context';
import type { Upstream } from './upstream.ts';

/** What the proxy routes need. */
export interface ProxyDeps {
  upstreams: ReadonlyMap<ServiceName, Upstream>;
  /** Where calls to an origin with no Upstream go (none expected). */
  fallback: Dispatcher;
  timeoutMs: number;
  bodyLimit: number;
  /** Bulk uploads (POST to a path ending in /import): larger bodies, longer upstream calls. */
  upload: { bodyLimit: number; timeoutMs: number };
  /** Verifies the caller and applies its rate limit before anything is proxied (src/auth). */
  authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}

const METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/**
 * Headers the upstream gets besides the caller's own (Authorization, Idempotency-Key,
 * If-Match, If-None-Match, traceparent … pass as sent): the correlation id the gateway
 * settled on (given or generated), the trace context, X-Forwarded-* and the verified
 * caller's identity (X-API-Key and client-sent x-mercato-* dropped). The object is the
 * copy reply-from made for this call, so it is changed in place.
 */
function rewriteRequestHeaders(
  request: FastifyRequest<RouteGenericInterface, RawServerBase>,
  headers: IncomingHttpHeaders | Http2IncomingHttpHeaders,
): IncomingHttpHeaders | Http2IncomingHttpHeaders {
  headers['x-correlation-id'] = request.id;
  applyIdentity(request.gatewayIdentity, headers);
  // The kit settled the trace context for this request (the caller's when valid, else a
  // new one) so the gateway's logs and the upstream's carry the same trace id.
  const traceparent = currentContext()?.traceparent;
  if (traceparent) headers.traceparent = traceparent;
  else if (!isTraceparent(headers.traceparent)) headers.traceparent = newTraceparent();
  const xff = headers['x-forwarded-for'];
  headers['x-forwarded-for'] = xff ? `${String(xff)}, ${request.ip}` : request.ip;
  // Set from what the gateway saw, never trusted from the caller: upstreams build links from them.
  headers['x-forwarded-proto'] = request.protocol;
  headers['x-forwarded-host'] = request.host;
  return headers;
}

/**
 * Hop-by-hop headers of the upstream connection must not reach the client, and the
 * correlation id the gateway already set (the one the upstream was given) stands.
 */
function rewriteHeaders(
  headers: IncomingHttpHeaders | Http2IncomingHttpHeaders,
): IncomingHttpHeaders | Http2IncomingHttpHeaders {
  delete headers.connection;
  delete headers['keep-alive'];
  delete headers['x-correlation-id'];
  return headers;
}

/** A bulk upload: a POST whose path ends in /import (e.g. `POST /api/v1/products/import`). */
function isUpload(request: FastifyRequest): boolean {
  return request.method === 'POST' && /\/import$/.test(pathOf(request.url));
}

/**
 * `/api/*` → the owning service through reply-from: bodies streamed untouched, query
 * string as received, one keep-alive undici pool per upstream, a circuit breaker each.
 * Registered in its own encapsulated scope so its pass-through body parser does not
 * apply to the gateway's other routes.
 */
export async function registerProxyRoutes(app: ServiceApp, deps: ProxyDeps): Promise<void> {
  const byOrigin = new Map<string, Upstream>();
  for (const up of deps.upstreams.values()) byOrigin.set(up.origin, up);

  // reply-from calls `request(opts, cb)` on this object for every proxied call.
  const dispatcher = {
    request(
      opts: Dispatcher.RequestOptions,
      cb: (err: Error | null, data: Dispatcher.ResponseData) => void,
    ): void {
      const up = byOrigin.get(String(opts.origin));
      if (up === undefined) deps.fallback.request(opts, cb);
      else up.request(opts, cb);
    },
  };

  function upstreamOf(request: FastifyRequest): Upstream | undefined {
    const match = resolveRoute(pathOf(request.url));
    return match === undefined ? undefined : deps.upstreams.get(match.service);
  }

  // One options object for every call: reply-from reads it and does not change it.
  const fromOptions: FastifyReplyFromHooks = {
    timeout: deps.timeoutMs,
    // reply-from retries GETs answered 503 up to 10 times by default; the breaker decides instead.
    retryDelay: () => null,
    rewriteRequestHeaders,
    rewriteHeaders,
    onError(reply, { error }) {
      // reply-from types its hooks for any server kind; createApp serves HTTP/1, the default kind.
      const r = reply as unknown as FastifyReply;
      // reply-from has logged the error already (warn); no second line here.
      const up = upstreamOf(r.request);
      const problem = up ? up.problemFor(error) : GatewayErrors.GATEWAY_UPSTREAM_ERROR();
      sendProblem(r.request, r, problem);
    },
  };

  const uploadOptions: FastifyReplyFromHooks = { ...fromOptions, timeout: deps.upload.timeoutMs };

  function proxy(request: FastifyRequest, reply: FastifyReply): void {
    const path = pathOf(request.url);
    const match = resolveRoute(path);
    if (match === undefined) {
      sendProblem(request, reply, CommonErrors.ROUTE_NOT_FOUND(`${request.method} ${path}`));
      return;
    }
    const up = deps.upstreams.get(match.service);
    if (up === undefined) {
      sendProblem(
        request,
        reply,
        GatewayErrors.GATEWAY_ROUTE_NOT_FOUND(`${match.service} is not part of this deployment`),
      );
      return;
    }
    if (up.rejecting()) {
      sendProblem(request, reply, up.circuitOpenError());
      return;
    }
    reply.from(up.base + match.path, isUpload(request) ? uploadOptions : fromOptions);
  }

  await app.register(async (scope) => {
    await scope.register(replyFrom, {
      // reply-from only uses the callback form of `request` on a custom dispatcher.
      undici: dispatcher as unknown as Dispatcher,
      disableRequestLogging: true,
    });
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      passthroughParser((r) => (isUpload(r) ? deps.upload.bodyLimit : deps.bodyLimit)),
    );
    for (const url of ['/api/*', '/.well-known/*']) {
      scope.route({
        method: METHODS,
        url,
        schema: { hide: true },
        preHandler: deps.authenticate,
        handler: proxy,
      });
    }
  });
}
