// pino serializers of the kit's request log lines. The logger's masking copies plain
// objects key by key, which turns a Fastify request or reply (state behind getters and
// symbols) into `{}`: these pick the fields an operator reads, masked, instead.
import { maskText, maskValue, SECRET_KEYS } from './mask.ts';

/** What the `req` serializer reads of a Fastify request (structural: no Fastify here). */
interface RequestLike {
  id: string;
  method: string;
  url: string;
  ip: string;
  routeOptions?: { url?: string };
  headers: Record<string, string | string[] | undefined>;
}

/** What the `res` serializer reads of a Fastify reply. */
interface ReplyLike {
  statusCode: number;
}

function isRequest(value: unknown): value is RequestLike {
  const v = value as Partial<RequestLike> | null;
  return typeof v === 'object' && v !== null && typeof v.method === 'string' && typeof v.url === 'string';
}

/** The path and query, with the values of secret parameters (`?token=`) replaced and the rest masked. */
export function maskUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return maskText(url);
  const params = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = eq < 0 ? pair : pair.slice(0, eq);
      let name = key;
      try {
        name = decodeURIComponent(key);
      } catch {
        // a malformed escape: judged by its raw text
      }
      return eq >= 0 && SECRET_KEYS.has(name.toLowerCase()) ? `${key}=[REDACTED]` : pair;
    });
  return maskText(`${url.slice(0, q)}?${params.join('&')}`);
}

/**
 * A request as a log line holds it: method, route template, path, client address (and the
 * chain a proxy forwarded), correlation id and user agent. Headers are not copied (they
 * carry credentials); anything that is not a request is masked as it is.
 */
export function serializeRequest(value: unknown): unknown {
  if (!isRequest(value)) return maskValue(value);
  const forwarded = value.headers['x-forwarded-for'];
  const agent = value.headers['user-agent'];
  return {
    method: value.method,
    route: value.routeOptions?.url ?? null,
    url: maskUrl(value.url),
    ip: value.ip,
    ...(typeof forwarded === 'string' && { forwardedFor: forwarded }),
    correlationId: value.id,
    ...(typeof agent === 'string' && { userAgent: maskText(agent.slice(0, 200)) }),
  };
}

/** A reply as a log line holds it: its status. */
export function serializeReply(value: unknown): unknown {
  const v = value as Partial<ReplyLike> | null;
  if (typeof v !== 'object' || v === null || typeof v.statusCode !== 'number') return maskValue(value);
  return { statusCode: v.statusCode };
}
