import { sql, type Kysely, type Selectable } from '@mercato/platform/db';
import type { IdentityDB, UsersTable } from '../db.ts';

/** A users row as the use cases read it. */
export type UserRow = Selectable<UsersTable>;

/** Sign-in failure bookkeeping of one user (see accounts/lockout.ts). */
export interface FailureState {
  failedLogins: number;
  firstFailedAt: Date | null;
  lockedUntil: Date | null;
}

/** SQL of the users table for sign-up and sign-in. Write methods take the caller's transaction. */
export const userRepository = {
  async findByEmail(db: Kysely<IdentityDB>, email: string, opts: { forUpdate?: boolean } = {}) {
    let query = db.selectFrom('users').selectAll().where('email', '=', email);
    if (opts.forUpdate) query = query.forUpdate();
    return query.executeTakeFirst();
  },

  async findById(db: Kysely<IdentityDB>, id: string, opts: { forUpdate?: boolean } = {}) {
    let query = db.selectFrom('users').selectAll().where('id', '=', id);
    if (opts.forUpdate) query = query.forUpdate();
    return query.executeTakeFirst();
  },

  /** Inserts a user; undefined when the email is taken (also by a concurrent registration). */
  async insert(
    trx: Kysely<IdentityDB>,
    user: { id: string; email: string; passwordHash: string; roles?: string[]; verified?: boolean },
  ): Promise<UserRow | undefined> {
    return trx
      .insertInto('users')
      .values({
        id: user.id,
        email: user.email,
        password_hash: user.passwordHash,
        status: 'active',
        roles: user.roles ?? ['customer'],
        tier: 'authenticated',
        email_verified_at: user.verified ? sql<Date>`now()` : null,
      })
      .onConflict((oc) => oc.column('email').doNothing())
      .returningAll()
      .executeTakeFirst();
  },

  /** Sets email_verified_at unless already set; true when this call verified the user. */
  async markVerified(trx: Kysely<IdentityDB>, id: string): Promise<boolean> {
    const row = await trx
      .updateTable('users')
      .set({ email_verified_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .where('email_verified_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  },

  async saveFailures(trx: Kysely<IdentityDB>, id: string, state: FailureState): Promise<void> {
    await trx
      .updateTable('users')
      .set({
        failed_logins: state.failedLogins,
        first_failed_at: state.firstFailedAt,
        locked_until: state.lockedUntil,
      })
      .where('id', '=', id)
      .execute();
  },

  /** A successful sign-in clears the failure counter (and an expired lock). */
  async clearFailures(db: Kysely<IdentityDB>, id: string): Promise<void> {
    await db
      .updateTable('users')
      .set({ failed_logins: 0, first_failed_at: null, locked_until: null })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('failed_logins', '>', 0), eb('locked_until', 'is not', null)]))
      .execute();
  },

  /** A new password; a proven owner (reset link, current password) also clears any lock. */
  async setPassword(trx: Kysely<IdentityDB>, id: string, passwordHash: string): Promise<void> {
    await trx
      .updateTable('users')
      .set({
        password_hash: passwordHash,
        password_changed_at: sql<Date>`now()`,
        failed_logins: 0,
        first_failed_at: null,
        locked_until: null,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', id)
      .execute();
  },
};
