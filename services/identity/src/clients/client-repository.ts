import { fetchPage, sql, type Kysely, type PageWindow, type Selectable } from '@mercato/platform/db';
import type { IdentityDB, OauthClientsTable } from '../db.ts';
import type { OAuthClient } from './client.ts';

/** A client row including its secret hash (only the service layer sees it). */
export type ClientRow = Selectable<OauthClientsTable>;

/** The admin view of a row: everything but the secret hash. */
export function toClient(row: ClientRow): OAuthClient {
  return {
    clientId: row.client_id,
    name: row.name,
    scopes: row.scopes,
    grantTypes: row.grant_types,
    disabledAt: row.disabled_at ? row.disabled_at.toISOString() : null,
    createdAt: row.created_at.toISOString(),
  };
}

/** A new client's columns. */
type NewClientRow = {
  clientId: string;
  name: string;
  secretHash: string;
  scopes: string[];
  grantTypes: string[];
};

const columns = (c: NewClientRow) => ({
  client_id: c.clientId,
  name: c.name,
  secret_hash: c.secretHash,
  scopes: c.scopes,
  grant_types: c.grantTypes,
});

/** SQL of oauth_clients. Write methods take the caller's transaction. */
export const clientRepository = {
  async find(
    db: Kysely<IdentityDB>,
    clientId: string,
    opts: { forUpdate?: boolean } = {},
  ): Promise<ClientRow | undefined> {
    let query = db.selectFrom('oauth_clients').selectAll().where('client_id', '=', clientId);
    if (opts.forUpdate) query = query.forUpdate();
    return query.executeTakeFirst();
  },

  async list(
    db: Kysely<IdentityDB>,
    window: PageWindow,
  ): Promise<{ items: OAuthClient[]; totalCount: number }> {
    const { rows, totalCount } = await fetchPage(db.selectFrom('oauth_clients'), window, (q) =>
      q.selectAll().orderBy('client_id'),
    );
    return { items: rows.map(toClient), totalCount };
  },

  /** Inserts a client; undefined when the id is taken (also by a concurrent insert). */
  async insert(trx: Kysely<IdentityDB>, c: NewClientRow): Promise<ClientRow | undefined> {
    return trx
      .insertInto('oauth_clients')
      .values(columns(c))
      .onConflict((oc) => oc.column('client_id').doNothing())
      .returningAll()
      .executeTakeFirst();
  },

  /** Creates a client or gives it this secret and these scopes, enabled (a declared service account). */
  async upsert(trx: Kysely<IdentityDB>, c: NewClientRow): Promise<ClientRow> {
    return trx
      .insertInto('oauth_clients')
      .values(columns(c))
      .onConflict((oc) =>
        oc.column('client_id').doUpdateSet({
          secret_hash: c.secretHash,
          scopes: c.scopes,
          grant_types: c.grantTypes,
          disabled_at: null,
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
  },

  async disable(trx: Kysely<IdentityDB>, clientId: string): Promise<void> {
    await trx
      .updateTable('oauth_clients')
      .set({ disabled_at: sql<Date>`now()` })
      .where('client_id', '=', clientId)
      .where('disabled_at', 'is', null)
      .execute();
  },

  async setSecret(trx: Kysely<IdentityDB>, clientId: string, secretHash: string): Promise<ClientRow> {
    return trx
      .updateTable('oauth_clients')
      .set({ secret_hash: secretHash })
      .where('client_id', '=', clientId)
      .returningAll()
      .executeTakeFirstOrThrow();
  },
};
