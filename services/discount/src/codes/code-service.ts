import { type Kysely } from '@mercato/platform/db';
import { pageResult, type Page } from '@mercato/platform/http';
import { newId } from '@mercato/platform/ids';
import type { ServiceContext } from '@mercato/platform/service';
import type { DiscountDB } from '../db.ts';
import { DiscountErrors } from '../errors.ts';
import { normalizeCode } from '../evaluation/evaluation-service.ts';
import type { Batch, Code, CodeFilter, CreateBatchInput, CreateCodeInput } from './code.ts';
import { randomCodes } from './code-generator.ts';
import { codeRepository as repo, toBatch, toCode } from './code-repository.ts';

/** Admin use cases of codes: single codes, bulk batches, listing and the CSV export. */
export interface CodeService {
  create(promotionId: string, input: CreateCodeInput): Promise<Code>;
  createBatch(promotionId: string, input: CreateBatchInput, actor: string): Promise<Batch>;
  list(promotionId: string, filter: CodeFilter): Promise<Page<Code>>;
  /** The batch's codes as CSV (code,usage_limit,uses), in code order. */
  csv(batchId: string): Promise<string>;
}

/** Rounds of regeneration for codes that collided with existing ones (31^6 and up: rare). */
const GENERATION_ROUNDS = 5;

export function createCodeService(ctx: ServiceContext<DiscountDB>): CodeService {
  const { database } = ctx;
  const db = database.db;

  /** The promotion, which must take codes. */
  async function codePromotion(exec: Kysely<DiscountDB>, promotionId: string): Promise<void> {
    const p = await exec
      .selectFrom('promotions')
      .select('trigger')
      .where('id', '=', promotionId)
      .executeTakeFirst();
    if (!p) throw DiscountErrors.DISCOUNT_PROMOTION_NOT_FOUND(`no promotion ${promotionId}`);
    if (p.trigger !== 'code') {
      throw DiscountErrors.DISCOUNT_PROMOTION_INVALID('an automatic promotion takes no codes', {
        errors: [{ path: '/params/id', message: 'is an automatic promotion' }],
      });
    }
  }

  return {
    async create(promotionId, input) {
      const text = normalizeCode(input.code);
      return database.transaction(async (trx) => {
        await codePromotion(trx, promotionId);
        const row = {
          id: newId(),
          promotion_id: promotionId,
          batch_id: null,
          code: text,
          usage_limit: input.usageLimit ?? null,
        };
        const inserted = await repo.insertMany(trx, [row]);
        if (inserted.length === 0)
          throw DiscountErrors.DISCOUNT_CODE_EXISTS(`the code ${text} exists already`);
        const created = await trx
          .selectFrom('codes')
          .selectAll()
          .where('code', '=', text)
          .executeTakeFirstOrThrow();
        return toCode(created);
      });
    },

    async createBatch(promotionId, input, actor) {
      return database.transaction(async (trx) => {
        await codePromotion(trx, promotionId);
        const batch = await trx
          .insertInto('code_batches')
          .values({
            id: newId(),
            promotion_id: promotionId,
            count: input.count,
            prefix: input.prefix,
            usage_limit: input.usageLimit,
            created_by: actor,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        let missing = input.count;
        for (let round = 0; missing > 0; round++) {
          if (round === GENERATION_ROUNDS) {
            throw DiscountErrors.DISCOUNT_PROMOTION_INVALID(
              'too few unused codes of this prefix and length remain',
              {
                errors: [{ path: '/body/length', message: 'choose a longer code or another prefix' }],
              },
            );
          }
          const rows = randomCodes(missing, input.prefix, input.length).map((code) => ({
            id: newId(),
            promotion_id: promotionId,
            batch_id: batch.id,
            code,
            usage_limit: input.usageLimit,
          }));
          missing -= (await repo.insertMany(trx, rows)).length;
        }
        return toBatch(batch);
      });
    },

    async list(promotionId, filter) {
      await codePromotion(db, promotionId);
      const { rows, totalCount } = await repo.page(db, promotionId, filter);
      return pageResult(rows.map(toCode), filter.page, filter.pageSize, totalCount);
    },

    async csv(batchId) {
      const batch = await db
        .selectFrom('code_batches')
        .select('id')
        .where('id', '=', batchId)
        .executeTakeFirst();
      if (!batch) throw DiscountErrors.DISCOUNT_BATCH_NOT_FOUND(`no code batch ${batchId}`);
      const out = ['code,usage_limit,uses'];
      for (let after = ''; ;) {
        const rows = await repo.batchSlice(db, batchId, after, 5000);
        for (const r of rows) out.push(`${r.code},${r.usage_limit ?? ''},${r.uses}`);
        if (rows.length < 5000) break;
        after = rows[rows.length - 1]?.code ?? after;
      }
      return `${out.join('\r\n')}\r\n`;
    },
  };
}
