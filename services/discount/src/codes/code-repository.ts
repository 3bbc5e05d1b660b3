import { fetchPage, likePattern, type Kysely, type Selectable } from '@mercato/platform/db';
import type { CodeBatchesTable, CodesTable, DiscountDB } from '../db.ts';
import type { Batch, Code, CodeFilter } from './code.ts';

export function toCode(r: Selectable<CodesTable>): Code {
  return {
    id: r.id,
    promotionId: r.promotion_id,
    batchId: r.batch_id,
    code: r.code,
    usageLimit: r.usage_limit,
    uses: r.uses,
    createdAt: r.created_at.toISOString(),
  };
}

export function toBatch(r: Selectable<CodeBatchesTable>): Batch {
  return {
    id: r.id,
    promotionId: r.promotion_id,
    count: r.count,
    prefix: r.prefix,
    usageLimit: r.usage_limit,
    createdAt: r.created_at.toISOString(),
    csv: `/api/v1/discounts/code-batches/${r.id}/codes.csv`,
  };
}

/** Rows per INSERT of a bulk generation (7 parameters each, well under PostgreSQL's 65,535). */
const INSERT_CHUNK = 1000;

export const codeRepository = {
  /**
   * Inserts codes, skipping any that exist already (another batch's or a single code);
   * returns the codes inserted.
   */
  async insertMany(
    trx: Kysely<DiscountDB>,
    rows: Array<Omit<Selectable<CodesTable>, 'uses' | 'created_at'>>,
  ): Promise<string[]> {
    const inserted: string[] = [];
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const out = await trx
        .insertInto('codes')
        .values(rows.slice(i, i + INSERT_CHUNK))
        .onConflict((oc) => oc.column('code').doNothing())
        .returning('code')
        .execute();
      for (const r of out) inserted.push(r.code);
    }
    return inserted;
  },

  async page(db: Kysely<DiscountDB>, promotionId: string, filter: CodeFilter) {
    let q = db.selectFrom('codes').where('promotion_id', '=', promotionId);
    if (filter.search) q = q.where('code', 'like', likePattern(filter.search.trim().toUpperCase()));
    if (filter.batchId) q = q.where('batch_id', '=', filter.batchId);
    return fetchPage(q, filter, (s) => s.selectAll().orderBy('code'));
  },

  /** The codes of a batch in code order, `size` at a time after `after` (keyset, for the CSV stream). */
  batchSlice(db: Kysely<DiscountDB>, batchId: string, after: string, size: number) {
    return db
      .selectFrom('codes')
      .select(['code', 'usage_limit', 'uses'])
      .where('batch_id', '=', batchId)
      .where('code', '>', after)
      .orderBy('code')
      .limit(size)
      .execute();
  },
};
