import { permissionsOf } from '@mercato/platform/auth';
import type { Kysely } from '@mercato/platform/db';
import { newId } from '@mercato/platform/ids';
import type { IdentityDB } from '../db.ts';
import { IdentityErrors } from '../errors.ts';
import type { IdentityContext } from '../identity-context.ts';
import { recordSecurityEvent } from '../security-events/security-event-repository.ts';
import type { TokenSet } from './session-port.ts';
import { refreshTokenRepository as tokens } from './refresh-token-repository.ts';
import { newSecretToken, sha256 } from './secret-tokens.ts';
import { userRepository as users, type UserRow } from './user-repository.ts';

/** A refresh token just stored, waiting for its access token (signed after the commit). */
export interface PendingSession {
  user: UserRow;
  refreshToken: string;
  scope: string;
}

/** Refresh-token families and the token sets built on them. */
export interface TokenSessions {
  /** Stores a new refresh token (a new family unless one is given) in the caller's transaction. */
  open(
    trx: Kysely<IdentityDB>,
    user: UserRow,
    opts: { clientId?: string; scope: string; familyId?: string },
  ): Promise<PendingSession>;
  /**
   * Signs the access token of a stored session. Called after the transaction commits: the
   * signing key is read through the pool, and PGlite's one connection is the transaction's.
   */
  finish(session: PendingSession): Promise<TokenSet>;
  /** Rotates a refresh token: the old one stops working, a new one of the same family is returned. */
  rotate(refreshToken: string, clientId?: string): Promise<TokenSet>;
  /** Revokes the family of a token; unknown tokens are ignored (RFC 7009). */
  revokeFamilyOf(refreshToken: string): Promise<void>;
  /** The family of a live token of this user, if it is one. */
  liveFamilyOf(refreshToken: string, userId: string): Promise<string | undefined>;
}

export function createTokenSessions(identity: IdentityContext): TokenSessions {
  const { database, logger } = identity.ctx;
  const { config } = identity;

  async function open(
    trx: Kysely<IdentityDB>,
    user: UserRow,
    opts: { clientId?: string; scope: string; familyId?: string },
  ): Promise<PendingSession> {
    const refreshToken = newSecretToken();
    await tokens.insert(trx, {
      id: newId(),
      familyId: opts.familyId ?? newId(),
      userId: user.id,
      clientId: opts.clientId ?? null,
      scope: opts.scope,
      tokenHash: sha256(refreshToken),
      expiresAt: new Date(Date.now() + config.REFRESH_TOKEN_TTL_SECONDS * 1000),
    });
    return { user, refreshToken, scope: opts.scope };
  }

  async function finish({ user, refreshToken, scope }: PendingSession): Promise<TokenSet> {
    const access = await identity.tokens.signAccess({
      subject: user.id,
      kind: 'user',
      email: user.email,
      roles: user.roles,
      permissions: permissionsOf(user.roles),
      scope,
      tier: user.tier,
      accountVersion: user.version,
    });
    return {
      accessToken: access.token,
      tokenType: 'Bearer',
      expiresIn: access.expiresIn,
      refreshToken,
      scope,
    };
  }

  type Rotation =
    { ok: PendingSession } | { reused: { userId: string; familyId: string } } | { invalid: true };

  async function rotate(refreshToken: string, clientId?: string): Promise<TokenSet> {
    const outcome = await database.transaction(async (trx): Promise<Rotation> => {
      const row = await tokens.findByHash(trx, sha256(refreshToken), { forUpdate: true });
      if (!row || row.revoked_at) return { invalid: true };
      if (row.rotated_at) {
        // A rotated token came back: it was copied. Whoever holds the family's newest
        // token may be the thief, so the whole family stops working.
        await tokens.revokeFamily(trx, row.family_id);
        await recordSecurityEvent(trx, {
          userId: row.user_id,
          type: 'refresh_token_reuse',
          detail: { familyId: row.family_id, tokenId: row.id, clientId: row.client_id },
        });
        return { reused: { userId: row.user_id, familyId: row.family_id } };
      }
      // A token is bound to the client it was issued to (RFC 6749 §6); a mismatch is no reuse.
      if ((row.client_id ?? undefined) !== clientId || row.expires_at.getTime() <= Date.now()) {
        return { invalid: true };
      }
      const user = await users.findById(trx, row.user_id);
      if (!user || user.status !== 'active') return { invalid: true };
      await tokens.markRotated(trx, row.id);
      const next = await open(trx, user, {
        scope: row.scope,
        familyId: row.family_id,
        ...(row.client_id ? { clientId: row.client_id } : {}),
      });
      return { ok: next };
    });
    if ('reused' in outcome) {
      logger.warn(outcome.reused, 'refresh token reuse detected: the token family was revoked');
    }
    if (!('ok' in outcome)) throw IdentityErrors.IDENTITY_REFRESH_TOKEN_INVALID();
    return finish(outcome.ok);
  }

  return {
    open,
    finish,
    rotate,
    async revokeFamilyOf(refreshToken) {
      await database.transaction(async (trx) => {
        const row = await tokens.findByHash(trx, sha256(refreshToken));
        if (row) await tokens.revokeFamily(trx, row.family_id);
      });
    },
    async liveFamilyOf(refreshToken, userId) {
      const row = await tokens.findByHash(database.db, sha256(refreshToken));
      if (!row || row.user_id !== userId || row.revoked_at || row.rotated_at) return undefined;
      return row.family_id;
    },
  };
}
