import { fetchPage, sql, type Kysely, type PageWindow, type Selectable } from '@mercato/platform/db';
import type { ApiKeysTable, IdentityDB } from '../db.ts';
import type { ApiKey } from './api-key.ts';

/** An api_keys row including its hash (only the service layer sees it). */
export type ApiKeyRow = Selectable<ApiKeysTable>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The owner's view of a row: everything but the hash. */
export function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    prefix: row.prefix,
    permissions: row.permissions,
    expiresAt: iso(row.expires_at),
    revokedAt: iso(row.revoked_at),
    lastUsedAt: iso(row.last_used_at),
    createdAt: row.created_at.toISOString(),
  };
}

/** SQL of api_keys. Write methods take the caller's transaction. */
export const apiKeyRepository = {
  /** Inserts a key; undefined when its prefix is taken (the caller draws a new key). */
  async insert(
    trx: Kysely<IdentityDB>,
    k: {
      id: string;
      userId: string;
      name: string;
      prefix: string;
      keyHash: string;
      permissions: string[];
      expiresAt: Date | null;
    },
  ): Promise<ApiKeyRow | undefined> {
    return trx
      .insertInto('api_keys')
      .values({
        id: k.id,
        user_id: k.userId,
        name: k.name,
        prefix: k.prefix,
        key_hash: k.keyHash,
        permissions: k.permissions,
        expires_at: k.expiresAt,
      })
      .onConflict((oc) => oc.column('prefix').doNothing())
      .returningAll()
      .executeTakeFirst();
  },

  async find(db: Kysely<IdentityDB>, id: string, opts: { forUpdate?: boolean } = {}) {
    let query = db.selectFrom('api_keys').selectAll().where('id', '=', id);
    if (opts.forUpdate) query = query.forUpdate();
    return query.executeTakeFirst();
  },

  async findByPrefix(db: Kysely<IdentityDB>, prefix: string) {
    return db.selectFrom('api_keys').selectAll().where('prefix', '=', prefix).executeTakeFirst();
  },

  /** One user's keys, newest first. */
  async listByUser(
    db: Kysely<IdentityDB>,
    userId: string,
    window: PageWindow,
  ): Promise<{ items: ApiKey[]; totalCount: number }> {
    const filtered = db.selectFrom('api_keys').where('user_id', '=', userId);
    const { rows, totalCount } = await fetchPage(filtered, window, (q) =>
      q.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc'),
    );
    return { items: rows.map(toApiKey), totalCount };
  },

  async revoke(trx: Kysely<IdentityDB>, id: string): Promise<void> {
    await trx
      .updateTable('api_keys')
      .set({ revoked_at: sql<Date>`now()` })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute();
  },

  /** Records a use, at most once a minute per key (a write per request would cost more than it tells). */
  async touch(db: Kysely<IdentityDB>, id: string): Promise<void> {
    await db
      .updateTable('api_keys')
      .set({ last_used_at: sql<Date>`now()` })
      .where('id', '=', id)
      .where((eb) =>
        eb.or([
          eb('last_used_at', 'is', null),
          eb('last_used_at', '<', sql<Date>`now() - interval '1 minute'`),
        ]),
      )
      .execute();
  },
};
