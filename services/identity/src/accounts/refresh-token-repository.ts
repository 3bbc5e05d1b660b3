import { sql, type Kysely, type Selectable } from '@mercato/platform/db';
import type { IdentityDB, RefreshTokensTable } from '../db.ts';

export type RefreshTokenRow = Selectable<RefreshTokensTable>;

/** SQL of refresh_tokens (only hashes are stored). Write methods take the caller's transaction. */
export const refreshTokenRepository = {
  async insert(
    trx: Kysely<IdentityDB>,
    token: {
      id: string;
      familyId: string;
      userId: string;
      clientId: string | null;
      scope: string;
      tokenHash: string;
      expiresAt: Date;
    },
  ): Promise<void> {
    await trx
      .insertInto('refresh_tokens')
      .values({
        id: token.id,
        family_id: token.familyId,
        user_id: token.userId,
        client_id: token.clientId,
        scope: token.scope,
        token_hash: token.tokenHash,
        expires_at: token.expiresAt,
      })
      .execute();
  },

  /**
   * The row of a token hash, locked (`for update`) when asked: a second refresh with the
   * same token waits here until the first commits, then sees it rotated.
   */
  async findByHash(db: Kysely<IdentityDB>, tokenHash: string, opts: { forUpdate?: boolean } = {}) {
    let query = db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash);
    if (opts.forUpdate) query = query.forUpdate();
    return query.executeTakeFirst();
  },

  async markRotated(trx: Kysely<IdentityDB>, id: string): Promise<void> {
    await trx
      .updateTable('refresh_tokens')
      .set({ rotated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .execute();
  },

  /** Revokes every live token of a family; returns how many were still live. */
  async revokeFamily(trx: Kysely<IdentityDB>, familyId: string): Promise<number> {
    const rows = await trx
      .updateTable('refresh_tokens')
      .set({ revoked_at: sql<Date>`now()` })
      .where('family_id', '=', familyId)
      .where('revoked_at', 'is', null)
      .returning('id')
      .execute();
    return rows.length;
  },

  /** Revokes all of a user's live tokens, except those of one family when given. */
  async revokeForUser(trx: Kysely<IdentityDB>, userId: string, exceptFamilyId?: string): Promise<number> {
    let query = trx
      .updateTable('refresh_tokens')
      .set({ revoked_at: sql<Date>`now()` })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null);
    if (exceptFamilyId) query = query.where('family_id', '!=', exceptFamilyId);
    const rows = await query.returning('id').execute();
    return rows.length;
  },
};
