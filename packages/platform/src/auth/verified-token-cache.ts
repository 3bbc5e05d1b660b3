import type { Principal } from './principal.ts';
import type { TokenVerifier } from './token-verifier.ts';

interface Entry {
  principal: Principal;
  until: number;
}

/** Longest a verified token is reused without checking it again. */
const MAX_REUSE_MS = 60_000;

/** The `exp` claim (seconds) of a token that has just been verified; undefined when unreadable. */
function expiryOf(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const exp: unknown = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown })
      .exp;
    return typeof exp === 'number' ? exp : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Remembers tokens that verified, so a client sending the same access token on every
 * request (the normal case for its 15 minutes) costs one signature check per minute
 * instead of one per request. Keyed by the whole token string, so any change to header,
 * claims or signature is a miss and is verified. An entry lives until the token's `exp`
 * and at most 60 s (a key withdrawn from the JWKS is honoured within the JWKS cache's
 * own refresh anyway). Failures are never cached. Bounded: the oldest entry goes first.
 */
export function cachingVerifier(verifier: TokenVerifier, maxEntries: number): TokenVerifier {
  if (maxEntries <= 0) return verifier;
  const entries = new Map<string, Entry>();
  return {
    async verify(token) {
      const now = Date.now();
      const hit = entries.get(token);
      if (hit !== undefined) {
        if (hit.until > now) return hit.principal;
        entries.delete(token);
      }
      const principal = await verifier.verify(token);
      const exp = expiryOf(token);
      const until = Math.min(now + MAX_REUSE_MS, exp === undefined ? now : exp * 1000);
      if (until > now) {
        if (entries.size >= maxEntries) {
          const oldest = entries.keys().next();
          if (oldest.done !== true) entries.delete(oldest.value);
        }
        entries.set(token, { principal, until });
      }
      return principal;
    },
  };
}
