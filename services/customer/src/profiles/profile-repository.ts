import { pageResult, type Page } from '@mercato/platform/http';
import {
  fetchPage,
  likePattern,
  sql,
  type Kysely,
  type PageWindow,
  type Selectable,
} from '@mercato/platform/db';
import type { CustomerDB, CustomersTable } from '../db.ts';
import type { Customer } from './profile.ts';

export function toCustomer(row: Selectable<CustomersTable>): Customer {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    phone: row.phone,
    locale: row.locale,
    marketingConsent: {
      granted: row.marketing_consent,
      changedAt: row.consent_changed_at?.toISOString() ?? null,
      source: row.consent_source,
    },
    loyalty: { points: row.points_balance, tier: row.tier },
    anonymized: row.anonymized_at !== null,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The columns a profile change may write. */
export interface ProfileChanges {
  name?: string | null;
  phone?: string | null;
  locale?: string | null;
  marketing_consent?: boolean;
  consent_changed_at?: Date;
  consent_source?: string;
}

/** SQL of the customers table. Write methods take the caller's transaction. */
export const profileRepository = {
  async find(
    db: Kysely<CustomerDB>,
    id: string,
    opts: { forUpdate?: boolean } = {},
  ): Promise<Selectable<CustomersTable> | undefined> {
    let q = db.selectFrom('customers').selectAll().where('id', '=', id);
    if (opts.forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  },

  /** Creates the profile unless it exists; undefined when it already did. */
  async insertIfAbsent(
    trx: Kysely<CustomerDB>,
    p: { id: string; email: string | null; name: string | null },
  ): Promise<Selectable<CustomersTable> | undefined> {
    return trx
      .insertInto('customers')
      .values({ id: p.id, email: p.email, name: p.name })
      .onConflict((oc) => oc.column('id').doNothing())
      .returningAll()
      .executeTakeFirst();
  },

  async update(
    trx: Kysely<CustomerDB>,
    id: string,
    changes: ProfileChanges & { email?: string | null; anonymized_at?: Date },
  ): Promise<Selectable<CustomersTable>> {
    return trx
      .updateTable('customers')
      .set({ ...changes, version: sql<number>`version + 1`, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  },

  /** Customers whose email or name contains `search` (case-insensitive), newest first. */
  async search(db: Kysely<CustomerDB>, q: PageWindow & { search?: string }): Promise<Page<Customer>> {
    let where = db.selectFrom('customers');
    if (q.search) {
      const pattern = likePattern(q.search);
      where = where.where((eb) => eb.or([eb('email', 'ilike', pattern), eb('name', 'ilike', pattern)]));
    }
    const { rows, totalCount } = await fetchPage(where, q, (query) =>
      query.selectAll().orderBy('created_at', 'desc').orderBy('id'),
    );
    return pageResult(rows.map(toCustomer), q.page, q.pageSize, totalCount);
  },
};
