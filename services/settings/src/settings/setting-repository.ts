import { pageResult, type Page } from '@mercato/platform/http';
import { fetchPage, likePattern, sql, type Kysely, type Selectable } from '@mercato/platform/db';
import { jsonb } from '@mercato/platform/db';
import { type SettingsDB, type SettingsTable } from '../db.ts';
import type { PageRequest } from '../audit/audit.ts';
import type { Setting } from './setting.ts';

function toSetting(row: Selectable<SettingsTable>): Setting {
  return {
    key: row.key,
    description: row.description,
    value: row.value,
    schema: row.value_schema,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    updatedBy: row.updated_by,
  };
}

/** SQL of the settings table. Write methods take the caller's transaction. */
export const settingRepository = {
  async list(db: Kysely<SettingsDB>, q: PageRequest): Promise<Page<Setting>> {
    let where = db.selectFrom('settings');
    if (q.search) {
      const pattern = likePattern(q.search);
      where = where.where((eb) => eb.or([eb('key', 'ilike', pattern), eb('description', 'ilike', pattern)]));
    }
    const { rows, totalCount } = await fetchPage(where, q, (query) => query.selectAll().orderBy('key'));
    return pageResult(rows.map(toSetting), q.page, q.pageSize, totalCount);
  },

  async find(
    db: Kysely<SettingsDB>,
    key: string,
    opts: { forUpdate?: boolean } = {},
  ): Promise<Setting | undefined> {
    let query = db.selectFrom('settings').selectAll().where('key', '=', key);
    if (opts.forUpdate) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row && toSetting(row);
  },

  /** Inserts at version 1; undefined when the key was created concurrently. */
  async insert(
    trx: Kysely<SettingsDB>,
    s: { key: string; description: string | null; value: unknown; schema: unknown; updatedBy: string | null },
  ): Promise<Setting | undefined> {
    const row = await trx
      .insertInto('settings')
      .values({
        key: s.key,
        description: s.description,
        value: jsonb(s.value),
        value_schema: jsonb(s.schema),
        version: 1,
        updated_by: s.updatedBy,
      })
      .onConflict((oc) => oc.column('key').doNothing())
      .returningAll()
      .executeTakeFirst();
    return row && toSetting(row);
  },

  /** Writes the next version of a setting the caller has locked. */
  async update(
    trx: Kysely<SettingsDB>,
    current: Setting,
    next: { description: string | null; value: unknown; schema: unknown; updatedBy: string | null },
  ): Promise<Setting> {
    const row = await trx
      .updateTable('settings')
      .set({
        description: next.description,
        value: jsonb(next.value),
        value_schema: jsonb(next.schema),
        version: current.version + 1,
        updated_at: sql<Date>`now()`,
        updated_by: next.updatedBy,
      })
      .where('key', '=', current.key)
      .where('version', '=', current.version)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toSetting(row);
  },

  async delete(trx: Kysely<SettingsDB>, key: string): Promise<void> {
    await trx.deleteFrom('settings').where('key', '=', key).execute();
  },
};
