import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** A JSON response body serialized once, with its entity tag: what a read cache stores. */
export interface CacheableBody {
  body: string;
  etag: string;
}

/** Serializes value and tags it by content (a weak ETag: equal JSON, equal tag). */
export function cacheableBody(value: unknown): CacheableBody {
  const body = JSON.stringify(value);
  return { body, etag: `W/"${createHash('sha1').update(body).digest('base64url')}"` };
}

/** True when If-None-Match names etag or is `*` (weak comparison, RFC 9110 §13.1.2). */
export function ifNoneMatchHits(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const wanted = opaque(etag);
  const tags = (Array.isArray(header) ? header.join(',') : header).split(',');
  return tags.some((t) => t.trim() === '*' || opaque(t) === wanted);
}

/**
 * Sends a cacheable body with its ETag and Cache-Control: 304 with no body when the
 * client's copy is current, else the stored JSON as it is (no second serialization).
 */
export function sendCacheable(
  request: FastifyRequest,
  reply: FastifyReply,
  entry: CacheableBody,
  cacheControl: string,
): FastifyReply {
  reply.header('etag', entry.etag).header('cache-control', cacheControl);
  if (ifNoneMatchHits(request.headers['if-none-match'], entry.etag)) return reply.code(304).send();
  return reply.type('application/json; charset=utf-8').send(entry.body);
}
