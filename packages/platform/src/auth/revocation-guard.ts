import type { EventBus, Subscription } from '../messaging/bus.ts';
import {
  MAX_ACCESS_TOKEN_TTL_SECONDS,
  REVOCATION_EVENT_TYPES,
  type RevocationList,
} from './revocation-list.ts';
import { InvalidTokenError, type TokenVerifier } from './token-verifier.ts';

/**
 * A verifier that refuses what `list` says was revoked, after the inner verifier accepted
 * the token. Put it outside any verified-token cache: a cached principal is checked on
 * every call too (a few map lookups), so a revocation needs no cache entry to be found.
 */
export function withRevocations(verifier: TokenVerifier, list: RevocationList): TokenVerifier {
  return {
    async verify(token) {
      const principal = await verifier.verify(token);
      const revoked = list.check(principal);
      if (revoked !== undefined) throw new InvalidTokenError(revoked);
      return principal;
    },
  };
}

/**
 * Keeps `list` current from identity's events: a listener on `bus` (every process hears
 * every revocation) that first replays the last MAX_ACCESS_TOKEN_TTL_SECONDS from the
 * stream (JetStream), so a process started after a revocation learns it before it serves;
 * resolves once that replay is through. `name` names the listener (the service).
 */
export function followRevocations(
  bus: EventBus,
  list: RevocationList,
  opts: { name: string; now?: () => number },
): Promise<Subscription> {
  const now = opts.now ?? Date.now;
  return bus.listen({
    name: `${opts.name}-revocations`,
    types: [...REVOCATION_EVENT_TYPES],
    since: new Date(now() - MAX_ACCESS_TOKEN_TTL_SECONDS * 1000),
    handler: (event) => list.apply(event),
  });
}
