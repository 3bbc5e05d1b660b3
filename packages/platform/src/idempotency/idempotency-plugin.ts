import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CommonErrors } from '../errors/index.ts';
import { requestFingerprint, type IdempotencyStore } from './idempotency-store.ts';

/**
 * Route option: `config: { idempotency: 'optional' | 'required' | 'handler' }`. `'handler'`:
 * the key is required and checked as in `'required'`, but the kit stores nothing — the
 * handler makes its own write the idempotency record (one statement instead of three) using
 * `request.idempotencyKey` (the same scope and fingerprint the kit would store), and answers
 * a reused key with another request with `CommonErrors.IDEMPOTENCY_KEY_REUSED()`.
 */
export interface IdempotencyRouteConfig {
  idempotency?: 'optional' | 'required' | 'handler';
}

/** What a `'handler'` route stores with its write: the caller's scope, the key, the request's fingerprint. */
export interface IdempotencyKeyInfo {
  scope: string;
  key: string;
  fingerprint: string;
}

const KEY = /^[\x21-\x7e]{1,255}$/;
const REPLAYED_HEADERS = ['content-type', 'location', 'etag'];

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyClaim?: { scope: string; key: string };
    /** Set on `'handler'` routes (see {@link IdempotencyRouteConfig}). */
    idempotencyKey?: IdempotencyKeyInfo;
  }
}

function callerOf(request: FastifyRequest): string {
  // The verified subject, when there is one: a client whose access token was refreshed
  // between two tries is still the same caller.
  if (request.principal) return `${request.principal.kind}:${request.principal.subject}`;
  const who = request.headers.authorization ?? request.headers['x-api-key'] ?? '';
  const value = Array.isArray(who) ? who.join(',') : who;
  return value ? createHash('sha256').update(value).digest('hex').slice(0, 32) : 'anonymous';
}

/**
 * Implements Idempotency-Key on routes that opt in: same key + same request → the stored
 * answer again with `Idempotent-Replayed: true`; same key + another request → 422; same
 * key still running → 409. 5xx answers are not stored, so the client may retry them.
 */
export function registerIdempotency(app: FastifyInstance, store: IdempotencyStore): void {
  app.addHook('preHandler', async (request, reply) => {
    const mode = (request.routeOptions.config as IdempotencyRouteConfig | undefined)?.idempotency;
    if (!mode) return;
    const raw = request.headers['idempotency-key'];
    const key = Array.isArray(raw) ? raw[0] : raw;
    if (key === undefined) {
      if (mode !== 'optional') {
        throw CommonErrors.IDEMPOTENCY_KEY_INVALID('this operation requires an Idempotency-Key header', {
          errors: [{ path: '/headers/idempotency-key', message: 'is required' }],
        });
      }
      return;
    }
    if (!KEY.test(key)) {
      throw CommonErrors.IDEMPOTENCY_KEY_INVALID('Idempotency-Key must be 1–255 visible ASCII characters', {
        errors: [{ path: '/headers/idempotency-key', message: 'must be 1–255 visible ASCII characters' }],
      });
    }
    const scope = `${request.method} ${request.routeOptions.url ?? request.url} ${callerOf(request)}`;
    const hash = requestFingerprint({ params: request.params, query: request.query, body: request.body });
    if (mode === 'handler') {
      request.idempotencyKey = { scope, key, fingerprint: hash };
      return;
    }
    const claim = await store.claim(scope, key, hash);
    switch (claim.kind) {
      case 'claimed':
        request.idempotencyClaim = { scope, key };
        return;
      case 'mismatch':
        throw CommonErrors.IDEMPOTENCY_KEY_REUSED();
      case 'in_flight':
        throw CommonErrors.IDEMPOTENCY_REQUEST_IN_FLIGHT(undefined, { headers: { 'retry-after': '1' } });
      case 'replay':
        reply
          .code(claim.response.status)
          .headers(claim.response.headers)
          .header('idempotent-replayed', 'true');
        return reply.send(claim.response.body);
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotencyClaim;
    if (!claim) return payload;
    request.idempotencyClaim = undefined;
    const body =
      typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
    if (reply.statusCode >= 500 || body === undefined) {
      await store.release(claim.scope, claim.key);
      return payload;
    }
    const headers: Record<string, string> = {};
    for (const h of REPLAYED_HEADERS) {
      const v = reply.getHeader(h);
      if (v !== undefined) headers[h] = String(v);
    }
    await store.complete(claim.scope, claim.key, { status: reply.statusCode, headers, body });
    return payload;
  });
}
