import type { PromotionChangedV1 } from '@mercato/contracts';
import { fetchPage, likePattern, type Kysely, type Updateable } from '@mercato/platform/db';
import { pageResult, requireVersion, type ExpectedVersion, type Page } from '@mercato/platform/http';
import { newId } from '@mercato/platform/ids';
import type { ServiceContext } from '@mercato/platform/service';
import { jsonb } from '@mercato/platform/db';
import type { DiscountDB, PromotionsTable } from '../db.ts';
import { DiscountErrors } from '../errors.ts';
import type { EvaluationService } from '../evaluation/evaluation-service.ts';
import type {
  CreatePromotionInput,
  Promotion,
  PromotionFilter,
  UpdatePromotionInput,
  UsageReport,
} from './promotion.ts';
import { usageReport } from './usage-repository.ts';
import { toPromotion, type PromotionRow } from './promotion-repository.ts';
import { checkPromotion, type PromotionFields } from './promotion-rules-check.ts';

/** Admin use cases of promotions. Every change is announced (promotion.changed) in its transaction. */
export interface PromotionService {
  create(input: CreatePromotionInput, actor: string): Promise<Promotion>;
  get(id: string): Promise<Promotion>;
  list(filter: PromotionFilter): Promise<Page<Promotion>>;
  update(id: string, patch: UpdatePromotionInput, expected: ExpectedVersion): Promise<Promotion>;
  usage(id: string): Promise<UsageReport>;
}

const notFound = (id: string) => DiscountErrors.DISCOUNT_PROMOTION_NOT_FOUND(`no promotion ${id}`);

/** What a created promotion has where its input says nothing. */
export const PROMOTION_DEFAULTS: Omit<PromotionFields, 'name' | 'kind' | 'trigger'> = {
  description: null,
  campaignId: null,
  status: 'active',
  percentOff: null,
  amountOff: null,
  maxDiscount: null,
  buyQuantity: null,
  getQuantity: null,
  currency: null,
  minSubtotal: null,
  target: {},
  firstOrder: false,
  customerIds: [],
  startsAt: null,
  endsAt: null,
  priority: 0,
  stacking: 'combinable',
  usageLimit: null,
  perCustomerLimit: null,
};

/** The columns of a promotion's fields (timestamps normalized, percent as basis points). */
export function promotionColumns(f: PromotionFields) {
  return {
    name: f.name,
    description: f.description,
    campaign_id: f.campaignId,
    kind: f.kind,
    trigger: f.trigger,
    status: f.status,
    percent_bps:
      f.percentOff === null ? (f.kind === 'buy_x_get_y' ? 10_000 : null) : Math.round(f.percentOff * 100),
    amount: f.amountOff,
    max_discount: f.maxDiscount,
    buy_quantity: f.buyQuantity,
    get_quantity: f.getQuantity,
    currency: f.currency,
    min_subtotal: f.minSubtotal,
    target: jsonb(f.target),
    first_order: f.firstOrder,
    customer_ids: f.customerIds,
    starts_at: f.startsAt === null ? null : new Date(f.startsAt),
    ends_at: f.endsAt === null ? null : new Date(f.endsAt),
    priority: f.priority,
    stacking: f.stacking,
    usage_limit: f.usageLimit,
    per_customer_limit: f.perCustomerLimit,
  } satisfies Updateable<PromotionsTable>;
}

function changed(row: PromotionRow, action: 'created' | 'updated') {
  const data: PromotionChangedV1 = {
    promotionId: row.id,
    action,
    name: row.name,
    kind: row.kind,
    trigger: row.trigger,
    status: row.status,
    campaignId: row.campaign_id,
    version: row.version,
  };
  return { type: 'promotion.changed' as const, subject: row.id, data };
}

export function createPromotionService(
  ctx: ServiceContext<DiscountDB>,
  evaluation: EvaluationService,
): PromotionService {
  const { database, outbox } = ctx;
  const db = database.db;

  async function checkCampaign(exec: Kysely<DiscountDB>, campaignId: string | null): Promise<void> {
    if (campaignId === null) return;
    const found = await exec
      .selectFrom('campaigns')
      .select('id')
      .where('id', '=', campaignId)
      .executeTakeFirst();
    if (!found) throw DiscountErrors.DISCOUNT_CAMPAIGN_NOT_FOUND(`no campaign ${campaignId}`);
  }

  async function get(id: string): Promise<Promotion> {
    const row = await db.selectFrom('promotions').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound(id);
    return toPromotion(row);
  }

  return {
    async create(input, actor) {
      const fields: PromotionFields = { ...PROMOTION_DEFAULTS, ...input };
      checkPromotion(fields);
      const row = await database.transaction(async (trx) => {
        await checkCampaign(trx, fields.campaignId);
        const now = new Date(ctx.now());
        const inserted = await trx
          .insertInto('promotions')
          .values({
            id: newId(),
            ...promotionColumns(fields),
            created_by: actor,
            created_at: now,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await outbox.add(trx, changed(inserted, 'created'));
        return inserted;
      });
      evaluation.invalidate();
      return toPromotion(row);
    },

    get,

    async usage(id) {
      return usageReport(db, await get(id));
    },

    async list(filter) {
      let q = db.selectFrom('promotions');
      if (filter.search) q = q.where('name', 'ilike', likePattern(filter.search));
      if (filter.status) q = q.where('status', '=', filter.status);
      if (filter.kind) q = q.where('kind', '=', filter.kind);
      if (filter.trigger) q = q.where('trigger', '=', filter.trigger);
      if (filter.campaignId) q = q.where('campaign_id', '=', filter.campaignId);
      const { rows, totalCount } = await fetchPage(q, filter, (s) =>
        s.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc'),
      );
      return pageResult(rows.map(toPromotion), filter.page, filter.pageSize, totalCount);
    },

    async update(id, patch, expected) {
      const row = await database.transaction(async (trx) => {
        const current = await trx
          .selectFrom('promotions')
          .selectAll()
          .where('id', '=', id)
          .forUpdate()
          .executeTakeFirst();
        if (!current) throw notFound(id);
        requireVersion(expected, current.version);
        const {
          id: _id,
          uses,
          version: _v,
          createdBy: _c,
          createdAt: _ca,
          updatedAt: _u,
          ...before
        } = toPromotion(current);
        const fields: PromotionFields = { ...before, ...patch };
        // A kind change must clear the old kind's values too (checkPromotion names any left).
        checkPromotion(fields, uses);
        if (patch.campaignId !== undefined) await checkCampaign(trx, fields.campaignId);
        const updated = await trx
          .updateTable('promotions')
          .set((eb) => ({
            ...promotionColumns(fields),
            version: eb('version', '+', 1),
            updated_at: new Date(ctx.now()),
          }))
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await outbox.add(trx, changed(updated, 'updated'));
        return updated;
      });
      evaluation.invalidate();
      return toPromotion(row);
    },
  };
}
