import { sql, type Kysely, type Selectable } from '@mercato/platform/db';
import type { DiscountDB, PromotionsTable } from '../db.ts';
import type { Promotion, PromotionRule, Target } from './promotion.ts';

export type PromotionRow = Selectable<PromotionsTable>;

/** A promotion row with its campaign's status and window (null without a campaign). */
export type RuleRow = PromotionRow & {
  campaign_status: string | null;
  campaign_starts_at: Date | null;
  campaign_ends_at: Date | null;
};

const later = (a: Date | null, b: Date | null) => (a && b ? (a > b ? a : b) : (a ?? b));
const earlier = (a: Date | null, b: Date | null) => (a && b ? (a < b ? a : b) : (a ?? b));

/** The evaluation's view of a promotion: its window narrowed to its campaign's. */
export function toRule(r: RuleRow): PromotionRule {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    trigger: r.trigger,
    status: r.status,
    percentBps: r.percent_bps,
    amountOff: r.amount,
    maxDiscount: r.max_discount,
    buyQuantity: r.buy_quantity,
    getQuantity: r.get_quantity,
    currency: r.currency,
    minSubtotal: r.min_subtotal,
    target: r.target as Target,
    firstOrder: r.first_order,
    customerIds: r.customer_ids,
    startsAt: later(r.starts_at, r.campaign_starts_at),
    endsAt: earlier(r.ends_at, r.campaign_ends_at),
    campaignActive: r.campaign_status === null || r.campaign_status === 'active',
    priority: r.priority,
    stacking: r.stacking,
    usageLimit: r.usage_limit,
    perCustomerLimit: r.per_customer_limit,
    uses: r.uses,
    createdAt: r.created_at,
  };
}

/** The API view of a promotion row. */
export function toPromotion(r: PromotionRow): Promotion {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    campaignId: r.campaign_id,
    kind: r.kind,
    trigger: r.trigger,
    status: r.status,
    percentOff: r.percent_bps === null ? null : r.percent_bps / 100,
    amountOff: r.amount,
    maxDiscount: r.max_discount,
    buyQuantity: r.buy_quantity,
    getQuantity: r.get_quantity,
    currency: r.currency,
    minSubtotal: r.min_subtotal,
    target: r.target as Target,
    firstOrder: r.first_order,
    customerIds: r.customer_ids,
    startsAt: r.starts_at?.toISOString() ?? null,
    endsAt: r.ends_at?.toISOString() ?? null,
    priority: r.priority,
    stacking: r.stacking,
    usageLimit: r.usage_limit,
    perCustomerLimit: r.per_customer_limit,
    uses: r.uses,
    version: r.version,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

function withCampaign(db: Kysely<DiscountDB>) {
  return db
    .selectFrom('promotions as p')
    .leftJoin('campaigns as c', 'c.id', 'p.campaign_id')
    .selectAll('p')
    .select([
      'c.status as campaign_status',
      'c.starts_at as campaign_starts_at',
      'c.ends_at as campaign_ends_at',
    ]);
}

export const promotionRepository = {
  /** Active automatic promotions (their windows are checked by the evaluation). */
  async activeAutomatic(db: Kysely<DiscountDB>): Promise<PromotionRule[]> {
    const rows = await withCampaign(db)
      .where('p.status', '=', 'active')
      .where('p.trigger', '=', 'automatic')
      .execute();
    return (rows as RuleRow[]).map(toRule);
  },

  /** Codes (stored upper case) with their promotions. */
  async codes(db: Kysely<DiscountDB>, codes: string[]) {
    if (codes.length === 0) return [];
    const rows = await withCampaign(db)
      .innerJoin('codes as k', 'k.promotion_id', 'p.id')
      .select([
        'k.id as code_id',
        'k.code as code_text',
        'k.usage_limit as code_usage_limit',
        'k.uses as code_uses',
      ])
      .where('k.code', 'in', codes)
      .execute();
    return rows.map((r) => ({
      rule: toRule(r as RuleRow),
      code: { id: r.code_id, code: r.code_text, usageLimit: r.code_usage_limit, uses: r.code_uses },
    }));
  },

  /** Held and committed uses of a customer per promotion. */
  async customerUses(
    db: Kysely<DiscountDB>,
    customerId: string,
    promotionIds: string[],
  ): Promise<Map<string, number>> {
    if (promotionIds.length === 0) return new Map();
    const rows = await db
      .selectFrom('customer_uses')
      .select(['promotion_id', 'uses'])
      .where('customer_id', '=', customerId)
      .where('promotion_id', 'in', promotionIds)
      .execute();
    return new Map(rows.map((r) => [r.promotion_id, r.uses]));
  },

  /** Whether the customer has a committed redemption (so has ordered before). */
  async hasOrdered(db: Kysely<DiscountDB>, customerId: string): Promise<boolean> {
    const row = await db
      .selectFrom('redemptions')
      .select(sql<number>`1`.as('one'))
      .where('customer_id', '=', customerId)
      .where('status', '=', 'committed')
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  },
};
