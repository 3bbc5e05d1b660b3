import { pageResult, type Page } from '@mercato/platform/http';
import { fetchPage, likePattern, sql, type Kysely, type Selectable } from '@mercato/platform/db';
import type { PageRequest } from '../audit/audit.ts';
import { type FeatureFlagsTable, type SettingsDB } from '../db.ts';
import type { FeatureFlag } from './flag.ts';

function toFlag(row: Selectable<FeatureFlagsTable>): FeatureFlag {
  return {
    key: row.key,
    description: row.description,
    enabled: row.enabled,
    rolloutPercentage: row.rollout_percentage,
    allowList: row.allow_list,
    denyList: row.deny_list,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The changeable state of a flag, in API names. */
export interface FlagFields {
  description: string | null;
  enabled: boolean;
  rolloutPercentage: number;
  allowList: string[];
  denyList: string[];
}

function columns(f: FlagFields) {
  return {
    description: f.description,
    enabled: f.enabled,
    rollout_percentage: f.rolloutPercentage,
    allow_list: f.allowList,
    deny_list: f.denyList,
  };
}

/** SQL of the feature_flags table. Write methods take the caller's transaction. */
export const flagRepository = {
  async list(db: Kysely<SettingsDB>, q: PageRequest): Promise<Page<FeatureFlag>> {
    let where = db.selectFrom('feature_flags');
    if (q.search) {
      const pattern = likePattern(q.search);
      where = where.where((eb) => eb.or([eb('key', 'ilike', pattern), eb('description', 'ilike', pattern)]));
    }
    const { rows, totalCount } = await fetchPage(where, q, (query) => query.selectAll().orderBy('key'));
    return pageResult(rows.map(toFlag), q.page, q.pageSize, totalCount);
  },

  async find(
    db: Kysely<SettingsDB>,
    key: string,
    opts: { forUpdate?: boolean } = {},
  ): Promise<FeatureFlag | undefined> {
    let query = db.selectFrom('feature_flags').selectAll().where('key', '=', key);
    if (opts.forUpdate) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row && toFlag(row);
  },

  /** Inserts at version 1; undefined when the key is taken. */
  async insert(trx: Kysely<SettingsDB>, key: string, fields: FlagFields): Promise<FeatureFlag | undefined> {
    const row = await trx
      .insertInto('feature_flags')
      .values({ key, ...columns(fields), version: 1 })
      .onConflict((oc) => oc.column('key').doNothing())
      .returningAll()
      .executeTakeFirst();
    return row && toFlag(row);
  },

  /** Writes the next version of a flag the caller has locked. */
  async update(trx: Kysely<SettingsDB>, current: FeatureFlag, fields: FlagFields): Promise<FeatureFlag> {
    const row = await trx
      .updateTable('feature_flags')
      .set({ ...columns(fields), version: current.version + 1, updated_at: sql<Date>`now()` })
      .where('key', '=', current.key)
      .where('version', '=', current.version)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toFlag(row);
  },

  async delete(trx: Kysely<SettingsDB>, key: string): Promise<void> {
    await trx.deleteFrom('feature_flags').where('key', '=', key).execute();
  },
};
