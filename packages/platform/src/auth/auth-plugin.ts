import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CommonErrors } from '../errors/index.ts';
import type { Principal } from './principal.ts';
import { InvalidTokenError, type TokenVerifier } from './token-verifier.ts';

/**
 * What a route demands of its caller, as route config `auth`:
 * absent or 'public' — anyone; 'user' — any signed-in principal; `{ permission }` — a
 * principal holding it; `{ anyPermission }` — holding one of them. Ownership ("only
 * their own cart") is the use case's check, with `request.principal`.
 */
export type AuthRequirement = 'public' | 'user' | { permission: string } | { anyPermission: string[] };

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller, when the request carried a valid bearer token. */
    principal?: Principal;
  }
  interface FastifyContextConfig {
    auth?: AuthRequirement;
  }
}

const REALM = 'Bearer realm="mercato"';

// Only the Bearer scheme is ours: other schemes (Basic client credentials at the OAuth
// token endpoint) are left to the route. A malformed Bearer value is '' (refused).
function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization?.trim();
  if (!header || !/^Bearer(\s|$)/i.test(header)) return undefined;
  const m = /^Bearer\s+([A-Za-z0-9\-._~+/]+=*)$/i.exec(header);
  return m ? m[1] : '';
}

function allowed(principal: Principal, req: AuthRequirement): boolean {
  if (req === 'public' || req === 'user') return true;
  if ('permission' in req) return principal.permissions.includes(req.permission);
  return req.anyPermission.some((p) => principal.permissions.includes(p));
}

/**
 * Verifies `Authorization: Bearer` on every request, first (before the body is parsed) (a present but invalid token is a 401
 * even on public routes: a client must learn its token is bad) and enforces each route's
 * `auth` requirement: 401 with WWW-Authenticate without a principal, 403 without the permission.
 */
export function registerAuth(app: FastifyInstance, verifier: TokenVerifier | undefined): void {
  // onRequest: who is calling is settled before the body is read and validated, so an
  // anonymous write with a bad body is a 401, not a 400 that describes the schema to
  // someone who may not use it (and a body of a caller who is refused is never parsed).
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const token = bearerOf(request);
    if (token !== undefined) {
      if (!verifier || token === '') {
        throw CommonErrors.UNAUTHORIZED('the Authorization header is not a usable bearer token', {
          headers: { 'www-authenticate': `${REALM}, error="invalid_token"` },
        });
      }
      try {
        request.principal = await verifier.verify(token);
      } catch (err) {
        const detail = err instanceof InvalidTokenError ? err.message : 'the token could not be verified';
        throw CommonErrors.UNAUTHORIZED(detail, {
          headers: { 'www-authenticate': `${REALM}, error="invalid_token", error_description="${detail}"` },
        });
      }
    }
    const requirement = request.routeOptions.config?.auth;
    if (!requirement || requirement === 'public') return;
    if (!request.principal) {
      throw CommonErrors.UNAUTHORIZED('sign in to use this endpoint', {
        headers: { 'www-authenticate': REALM },
      });
    }
    if (!allowed(request.principal, requirement)) {
      const needed =
        typeof requirement === 'object' && 'permission' in requirement
          ? requirement.permission
          : typeof requirement === 'object'
            ? requirement.anyPermission.join(' or ')
            : '';
      throw CommonErrors.FORBIDDEN(`this endpoint needs the permission ${needed}`, {
        headers: { 'www-authenticate': `${REALM}, error="insufficient_scope"` },
      });
    }
  });
}
