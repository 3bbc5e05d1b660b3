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

// Hop-by-hop headers of the upstream's answer, and its correlation id (the gateway's stands).
const NOT_RELAYED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'x-correlation-id']);

/** Answers up to this size are gathered and sent in one write; longer ones are streamed. */
const WHOLE_BODY_MAX = 1024 * 1024;

/**
 * A call without a request body (GET or HEAD, no Content-Length above 0, not chunked): it
 * takes the gateway's lean path (see forward), the others go through reply-from.
 */
function isBodiless(request: FastifyRequest): boolean {
  const m = request.method;
  if (m !== 'GET' && m !== 'HEAD') return false;
  const h = request.headers;
  return (
    h['transfer-encoding'] === undefined && (h['content-length'] === undefined || h['content-length'] === '0')
  );
}

/**
 * The caller's headers as the upstream gets them: a copy without the hop-by-hop ones (and
 * those the caller's Connection names), Host set to the upstream's, then what
 * rewriteRequestHeaders adds (reply-from does the same for the calls it makes).
 */
function upstreamHeaders(request: FastifyRequest, host: string): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = { ...request.headers };
  const connection = headers.connection;
  if (connection !== undefined) {
    for (const name of connection.toLowerCase().split(',')) delete headers[name.trim()];
    delete headers.connection;
  }
  delete headers['transfer-encoding'];
  delete headers['keep-alive'];
  headers.host = host;
  return rewriteRequestHeaders(request, headers) as IncomingHttpHeaders;
}

/** A path with a `..` segment (encoded or not), which would climb out of its resource upstream. */
function climbsOut(path: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return true;
  }
  return decoded.includes('/..') || decoded.includes('../');
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

  /**
   * The lean path of a bodiless call: undici's dispatch with a collector (no body stream,
   * no reply-from bookkeeping per request), the answer sent whole in one write when its
   * length is known and up to WHOLE_BODY_MAX. Same headers both ways, same breaker, same
   * timeouts and the same problems for failures as the reply-from path.
   */
  function forward(request: FastifyRequest, reply: FastifyReply, up: Upstream, path: string): void {
    const q = request.url.indexOf('?');
    const opts = {
      origin: up.origin,
      path: q === -1 ? path : path + request.url.slice(q),
      method: request.method as Dispatcher.HttpMethod,
      headers: upstreamHeaders(request, up.host),
      headersTimeout: deps.timeoutMs,
      bodyTimeout: deps.timeoutMs,
    };
    up.answer(opts, WHOLE_BODY_MAX, (err, answer) => {
      if (err !== null || answer === undefined) {
        request.log.warn({ err }, 'response errored');
        if (!reply.sent) sendProblem(request, reply, up.problemFor(err ?? new Error('no answer')));
        return;
      }
      if (reply.raw.destroyed) {
        // The caller went away while the upstream answered: nothing to send it.
        if (!Buffer.isBuffer(answer.body)) answer.body.destroy();
        return;
      }
      for (const name in answer.headers) {
        const value = answer.headers[name];
        if (value !== undefined && !NOT_RELAYED.has(name)) reply.header(name, value);
      }
      try {
        reply.code(answer.statusCode);
      } catch {
        if (!Buffer.isBuffer(answer.body)) answer.body.destroy();
        sendProblem(
          request,
          reply,
          GatewayErrors.GATEWAY_UPSTREAM_ERROR(`${up.name} answered ${answer.statusCode}`),
        );
        return;
      }
      reply.send(answer.body);
    });
  }

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
    if (climbsOut(match.path)) {
      // Refused before any upstream call, as reply-from refuses it on its path.
      sendProblem(
        request,
        reply,
        CommonErrors.BAD_REQUEST('The path may not climb out of its resource (..)'),
      );
      return;
    }
    if (isBodiless(request)) forward(request, reply, up, up.basePath + match.path);
    else reply.from(up.base + match.path, isUpload(request) ? uploadOptions : fromOptions);
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
