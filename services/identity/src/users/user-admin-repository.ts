import { fetchPage, likePattern, sql, type Kysely } from '@mercato/platform/db';
import type { UserRow } from '../accounts/user-repository.ts';
import type { IdentityDB } from '../db.ts';
import type { UserQuery } from './user.ts';

/** SQL of the admin user API. Write methods take the caller's transaction. */
export const userAdminRepository = {
  async list(db: Kysely<IdentityDB>, q: UserQuery): Promise<{ rows: UserRow[]; totalCount: number }> {
    let where = db.selectFrom('users');
    if (q.search) where = where.where('email', 'ilike', likePattern(q.search.trim().toLowerCase()));
    if (q.role) where = where.where(sql<boolean>`${q.role} = any(roles)`);
    if (q.status) where = where.where('status', '=', q.status);
    return fetchPage(where, q, (query) =>
      query.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc'),
    );
  },

  /**
   * Ids of the active admins, their rows locked: two concurrent changes that each remove
   * an admin queue here, and the second sees the first's result (never zero admins).
   */
  async lockActiveAdmins(trx: Kysely<IdentityDB>): Promise<string[]> {
    const rows = await trx
      .selectFrom('users')
      .select('id')
      .where('status', '=', 'active')
      .where(sql<boolean>`'admin' = any(roles)`)
      .orderBy('id')
      .forUpdate()
      .execute();
    return rows.map((r) => r.id);
  },

  async hasActiveAdmin(db: Kysely<IdentityDB>): Promise<boolean> {
    const row = await db
      .selectFrom('users')
      .select('id')
      .where('status', '=', 'active')
      .where(sql<boolean>`'admin' = any(roles)`)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  },

  /** Serializes first-admin creation among replicas starting together (until the transaction ends). */
  async lockBootstrap(trx: Kysely<IdentityDB>, schema: string): Promise<void> {
    await sql`select pg_advisory_xact_lock(hashtext(${`mercato:bootstrap-admin:${schema}`}))`.execute(trx);
  },

  async setRoles(trx: Kysely<IdentityDB>, id: string, roles: string[]): Promise<UserRow> {
    return trx
      .updateTable('users')
      .set((eb) => ({ roles, version: eb('version', '+', 1), updated_at: sql<Date>`now()` }))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  },

  async setStatus(trx: Kysely<IdentityDB>, id: string, status: 'active' | 'disabled'): Promise<UserRow> {
    return trx
      .updateTable('users')
      .set((eb) => ({ status, version: eb('version', '+', 1), updated_at: sql<Date>`now()` }))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  },
};
