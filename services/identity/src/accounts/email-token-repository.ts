import { sql, type Kysely } from '@mercato/platform/db';
import type { EmailTokensTable, IdentityDB } from '../db.ts';

type Purpose = EmailTokensTable['purpose'];

/** SQL of email_tokens (verification and reset links; only token hashes are stored). */
export const emailTokenRepository = {
  /** Marks the user's unused links of this purpose used: only the newest link works. */
  async invalidate(trx: Kysely<IdentityDB>, userId: string, purpose: Purpose): Promise<void> {
    await trx
      .updateTable('email_tokens')
      .set({ used_at: sql<Date>`now()` })
      .where('user_id', '=', userId)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .execute();
  },

  async insert(
    trx: Kysely<IdentityDB>,
    token: { id: string; userId: string; purpose: Purpose; tokenHash: string; expiresAt: Date },
  ): Promise<void> {
    await trx
      .insertInto('email_tokens')
      .values({
        id: token.id,
        user_id: token.userId,
        purpose: token.purpose,
        token_hash: token.tokenHash,
        expires_at: token.expiresAt,
      })
      .execute();
  },

  /** The user of a usable (unused, unexpired) link, without using it. */
  async peek(db: Kysely<IdentityDB>, tokenHash: string, purpose: Purpose): Promise<string | undefined> {
    const row = await db
      .selectFrom('email_tokens')
      .select('user_id')
      .where('token_hash', '=', tokenHash)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .where('expires_at', '>', sql<Date>`now()`)
      .executeTakeFirst();
    return row?.user_id;
  },

  /**
   * Uses a link: one UPDATE that only matches an unused, unexpired row, so two requests
   * with the same link cannot both succeed. Returns its user, or undefined.
   */
  async consume(trx: Kysely<IdentityDB>, tokenHash: string, purpose: Purpose): Promise<string | undefined> {
    const row = await trx
      .updateTable('email_tokens')
      .set({ used_at: sql<Date>`now()` })
      .where('token_hash', '=', tokenHash)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .where('expires_at', '>', sql<Date>`now()`)
      .returning('user_id')
      .executeTakeFirst();
    return row?.user_id;
  },
};
