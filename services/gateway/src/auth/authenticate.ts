import type { preHandlerHookHandler } from 'fastify';

/**
 * The identity seam of the gateway: runs as a preHandler before every proxied request.
 * Today every request passes. When identity lands, this verifies the bearer token
 * (EdDSA JWT against identity's cached JWKS) or the X-API-Key, answers 401 UNAUTHORIZED
 * problems, applies the per-principal rate limit, and leaves the verified principal for
 * rewriteRequestHeaders to forward. Routes that must stay public (login, JWKS, catalog
 * reads) are decided here too, from the route table.
 */
export const authenticate: preHandlerHookHandler = function authenticate(_request, _reply, done) {
  done();
};
