import { InvalidTokenError, type Principal, type TokenVerifier } from '@mercato/platform/auth';
import { CommonErrors, type AppError } from '@mercato/platform/errors';
import { sendProblem } from '@mercato/platform/http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RateLimiter, Tier } from '../rate-limit/rate-limiter.ts';
import type { ApiKeyExchange } from './api-keys.ts';

/** Who a proxied request comes from, once the gateway has verified it. */
export interface GatewayIdentity {
  subject: string;
  kind: Principal['kind'];
  tier: Principal['tier'];
  /** Replaces the caller's Authorization upstream (the bearer token an API key was exchanged for). */
  authorization?: string;
  /** The rate-limit counter of this caller. */
  rateKey: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the gateway's authenticate step; null = anonymous (or not a proxied route). */
    gatewayIdentity: GatewayIdentity | null;
  }
}

/** What {@link createAuthenticate} needs. */
export interface AuthenticateDeps {
  verifier: TokenVerifier;
  apiKeys: ApiKeyExchange;
  limiter: RateLimiter;
}

const BEARER = /^Bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i;
const BEARER_CHALLENGE = 'Bearer realm="mercato"';
const API_KEY_CHALLENGE = 'ApiKey realm="mercato"';

function tokenError(detail: string): AppError {
  return CommonErrors.UNAUTHORIZED(detail, {
    headers: {
      'www-authenticate': `${BEARER_CHALLENGE}, error="invalid_token", error_description="${detail}"`,
    },
  });
}

/**
 * The gateway's preHandler for proxied routes. In order:
 * 1. `Authorization: Bearer` → verified against identity's JWKS (cached); a bad token is a
 *    401 with WWW-Authenticate and is not proxied. The header goes upstream unchanged
 *    (services verify it too).
 * 2. else `X-API-Key` → exchanged at identity for an access token (cached); a bad key is a
 *    401; identity down is a 503. Upstream gets that token as the bearer, never the key.
 * 3. else anonymous: passes; each service decides per route.
 * Then the rate limit of the caller's tier, counted per API key, per subject or per IP.
 * A request whose credentials fail counts against its IP (anonymous limit), so guessing
 * keys or replaying forged tokens is limited too.
 */
export function createAuthenticate(deps: AuthenticateDeps) {
  const { verifier, apiKeys, limiter } = deps;

  async function refuse(request: FastifyRequest, reply: FastifyReply, err: AppError): Promise<FastifyReply> {
    const limited = await limiter.check(`ip:${request.ip}`, 'anonymous', reply);
    return sendProblem(request, reply, limited ?? err);
  }

  return async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    let identity: GatewayIdentity | null = null;
    const authorization = request.headers.authorization;
    const bearer = authorization === undefined ? undefined : BEARER.exec(authorization);
    if (bearer) {
      let principal: Principal;
      try {
        principal = await verifier.verify(bearer[1] as string);
      } catch (err) {
        const detail = err instanceof InvalidTokenError ? err.message : 'the token could not be verified';
        return refuse(request, reply, tokenError(detail));
      }
      identity = {
        subject: principal.subject,
        kind: principal.kind,
        tier: principal.tier,
        rateKey: `sub:${principal.subject}`,
      };
    } else if (authorization !== undefined && /^Bearer\b/i.test(authorization)) {
      return refuse(request, reply, tokenError('the Authorization header is not a usable bearer token'));
    } else {
      const apiKey = request.headers['x-api-key'];
      if (typeof apiKey === 'string' && apiKey !== '') {
        let answer;
        try {
          answer = await apiKeys.exchange(apiKey);
        } catch (err) {
          return sendProblem(request, reply, err as AppError);
        }
        if (!answer.valid) {
          return refuse(
            request,
            reply,
            CommonErrors.UNAUTHORIZED('the API key is not valid (unknown, revoked or expired)', {
              headers: { 'www-authenticate': API_KEY_CHALLENGE },
            }),
          );
        }
        identity = {
          subject: answer.grant.subject,
          kind: 'api_key',
          tier: answer.grant.tier,
          authorization: `Bearer ${answer.grant.accessToken}`,
          rateKey: `key:${answer.hash}`,
        };
      }
    }
    request.gatewayIdentity = identity;
    const tier: Tier = identity === null ? 'anonymous' : identity.tier;
    const limited = await limiter.check(identity?.rateKey ?? `ip:${request.ip}`, tier, reply);
    if (limited !== undefined) return sendProblem(request, reply, limited);
    return undefined;
  };
}

/** Paths of the gateway's own routes that are limited per client IP, whatever the credentials. */
export function isIpLimitedPath(url: string): boolean {
  return (
    url.startsWith('/health/') ||
    url.startsWith('/metrics') ||
    url.startsWith('/docs') ||
    url.startsWith('/openapi.json')
  );
}

// Identity headers only the gateway may set: a client's copies are dropped, never trusted.
const IDENTITY_HEADERS = ['x-mercato-subject', 'x-mercato-principal-kind', 'x-api-key'] as const;

/**
 * Rewrites the upstream request's headers for the verified caller: drops the client's
 * X-API-Key and any x-mercato-* identity headers, then sets x-mercato-subject and
 * x-mercato-principal-kind (for upstream logs) and, for an API key, the exchanged bearer.
 */
export function applyIdentity(
  identity: GatewayIdentity | null,
  headers: Record<string, string | string[] | number | undefined>,
): void {
  for (const h of IDENTITY_HEADERS) if (headers[h] !== undefined) delete headers[h];
  if (identity === null) return;
  headers['x-mercato-subject'] = identity.subject;
  headers['x-mercato-principal-kind'] = identity.kind;
  if (identity.authorization !== undefined) headers.authorization = identity.authorization;
}
