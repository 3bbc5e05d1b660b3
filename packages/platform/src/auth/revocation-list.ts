import type { EventEnvelope } from '@mercato/contracts';
import type { Principal } from './principal.ts';

/**
 * The longest access-token lifetime identity can be configured with
 * (`ACCESS_TOKEN_TTL_SECONDS`). A revocation is remembered this long after it happened:
 * by then every token it concerns has expired anyway.
 */
export const MAX_ACCESS_TOKEN_TTL_SECONDS = 86_400;

/** Identity's events that end access tokens already issued (docs/adr/0005). */
export const REVOCATION_EVENT_TYPES = [
  'identity.api_key_revoked',
  'identity.client_disabled',
  'user.disabled',
  'user.roles_changed',
] as const;

/**
 * A deny-list of the tokens identity has revoked since they were issued: an access token
 * is a signed JWT that stays valid until its `exp`, so every verifier has to know.
 */
export interface RevocationList {
  /** Records what one of REVOCATION_EVENT_TYPES revokes; any other event is ignored. */
  apply(event: EventEnvelope): void;
  /** Why the principal's token no longer counts (safe to show), or undefined when it does. */
  check(principal: Principal): string | undefined;
  /** Revocations remembered now. */
  readonly size: number;
}

interface AccountChange {
  /** Tokens carrying an older account version are refused. */
  version: number;
  until: number;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * A revocation list fed by identity's events:
 * - `identity.api_key_revoked`: tokens exchanged for that key (`akid`) are refused;
 * - `identity.client_disabled`: the client's service tokens (`sub`) are refused (a
 *   disabled client never comes back);
 * - `user.disabled`, `user.roles_changed` (with the account's new `version`): the user's
 *   tokens and their API keys' tokens issued before the change (`uver` below the version)
 *   are refused; tokens issued after it (a refresh, or a sign-in once re-enabled) carry the
 *   new version and pass. Events without a version (published before identity said it)
 *   are ignored.
 * Entries live MAX_ACCESS_TOKEN_TTL_SECONDS from the event's time. `now` is injectable.
 */
export function createRevocationList(opts: { now?: () => number } = {}): RevocationList {
  const now = opts.now ?? Date.now;
  const keys = new Map<string, number>();
  const clients = new Map<string, number>();
  const accounts = new Map<string, AccountChange>();

  const live = (until: number | undefined): boolean => until !== undefined && until > now();

  function sweep(): void {
    const t = now();
    for (const [k, until] of keys) if (until <= t) keys.delete(k);
    for (const [k, until] of clients) if (until <= t) clients.delete(k);
    for (const [k, change] of accounts) if (change.until <= t) accounts.delete(k);
  }

  return {
    apply(event) {
      sweep();
      const at = Date.parse(event.time);
      const until = (Number.isNaN(at) ? now() : at) + MAX_ACCESS_TOKEN_TTL_SECONDS * 1000;
      if (until <= now()) return;
      const data = (event.data ?? {}) as Record<string, unknown>;
      switch (event.type) {
        case 'identity.api_key_revoked': {
          const id = str(data.apiKeyId);
          if (id) keys.set(id, Math.max(keys.get(id) ?? 0, until));
          break;
        }
        case 'identity.client_disabled': {
          const id = str(data.clientId);
          if (id) clients.set(id, Math.max(clients.get(id) ?? 0, until));
          break;
        }
        case 'user.disabled':
        case 'user.roles_changed': {
          const id = str(data.userId);
          const version = data.version;
          if (!id || typeof version !== 'number') break;
          const known = accounts.get(id);
          accounts.set(id, {
            version: Math.max(known?.version ?? 0, version),
            until: Math.max(known?.until ?? 0, until),
          });
          break;
        }
        default:
          break;
      }
    },

    check(principal) {
      if (principal.kind === 'service') {
        return live(clients.get(principal.subject))
          ? 'the token was revoked: its client is disabled'
          : undefined;
      }
      if (principal.apiKeyId !== undefined && live(keys.get(principal.apiKeyId))) {
        return 'the token was revoked: its API key was revoked';
      }
      const change = accounts.get(principal.subject);
      if (change && live(change.until) && (principal.accountVersion ?? 0) < change.version) {
        return 'the token was revoked: the account was disabled or its roles changed since it was issued';
      }
      return undefined;
    },

    get size() {
      return keys.size + clients.size + accounts.size;
    },
  };
}
