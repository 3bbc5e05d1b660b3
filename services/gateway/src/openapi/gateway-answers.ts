import { CommonErrors } from '@mercato/platform/errors';
import { problemResponse } from '@mercato/platform/http';
import { GatewayErrors } from '../errors.ts';

const PROBLEM = '#/components/schemas/Problem';
const RESPONSES = '#/components/responses/';

const seconds = (description: string) => ({ description, schema: { type: 'integer', minimum: 1 } });

/** The RateLimit headers every proxied answer carries (IETF draft, as the rate limiter sends them). */
const RATE_LIMIT_HEADERS = {
  'RateLimit-Limit': { description: 'requests allowed in the window', schema: { type: 'integer' } },
  'RateLimit-Remaining': { description: 'requests left in the window', schema: { type: 'integer' } },
  'RateLimit-Reset': seconds('seconds until the window resets'),
  'RateLimit-Policy': {
    description: 'the limit and its window, e.g. `100;w=60`',
    schema: { type: 'string' },
  },
};

/**
 * What the gateway itself adds to the merged document: its API key scheme and the problems
 * it answers for any proxied operation, whatever the service behind it documents.
 */
export const gatewayComponents = {
  securitySchemes: {
    apiKey: {
      type: 'apiKey',
      in: 'header',
      name: 'X-API-Key',
      description:
        'An API key (`POST /api/v1/api-keys`); the gateway exchanges it for an access token carrying ' +
        "the key's permissions, so it stands wherever a bearer token with those permissions does.",
    },
  },
  responses: {
    RateLimited: problemResponse(429, {
      ref: PROBLEM,
      description: "The caller's rate limit (per API key, user or client IP) is used up",
      headers: { 'Retry-After': seconds('seconds until the window resets'), ...RATE_LIMIT_HEADERS },
    }),
    UpstreamError: problemResponse(502, {
      ref: PROBLEM,
      description: 'The service behind the route failed to answer',
      example: GatewayErrors.GATEWAY_UPSTREAM_ERROR('catalog failed to answer'),
    }),
    UpstreamUnavailable: problemResponse(503, {
      ref: PROBLEM,
      description: 'The service behind the route cannot be reached, or its circuit breaker is open',
      example: CommonErrors.UPSTREAM_UNAVAILABLE('catalog is failing; calls are paused (circuit open)'),
      headers: { 'Retry-After': seconds('when the circuit is open: seconds until the next trial call') },
    }),
    UpstreamTimeout: problemResponse(504, {
      ref: PROBLEM,
      description: 'The service behind the route did not answer in time',
      example: CommonErrors.UPSTREAM_TIMEOUT('catalog did not answer within 10000 ms'),
    }),
  },
};

const ANSWERS: ReadonlyArray<[string, keyof typeof gatewayComponents.responses]> = [
  ['429', 'RateLimited'],
  ['502', 'UpstreamError'],
  ['503', 'UpstreamUnavailable'],
  ['504', 'UpstreamTimeout'],
];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Documents on a proxied operation (in place) what the gateway adds: its own answers (429,
 * 502, 503, 504) where the service did not document that status, and an API key as an
 * alternative to each bearer token requirement, with the same permissions.
 */
export function addGatewayAnswers(op: Record<string, unknown>): void {
  const responses = isObject(op.responses) ? op.responses : (op.responses = {});
  for (const [status, name] of ANSWERS) responses[status] ??= { $ref: RESPONSES + name };
  if (!Array.isArray(op.security)) return;
  const security: unknown[] = [];
  for (const requirement of op.security as unknown[]) {
    security.push(requirement);
    if (isObject(requirement) && Array.isArray(requirement.bearer) && Object.keys(requirement).length === 1)
      security.push({ apiKey: requirement.bearer });
  }
  op.security = security;
}

/** The security scheme names the operations of a document use. */
export function usedSecuritySchemes(paths: Record<string, Record<string, unknown>>): Set<string> {
  const used = new Set<string>();
  for (const item of Object.values(paths))
    for (const op of Object.values(item))
      if (isObject(op) && Array.isArray(op.security))
        for (const requirement of op.security as unknown[])
          if (isObject(requirement)) for (const name of Object.keys(requirement)) used.add(name);
  return used;
}
