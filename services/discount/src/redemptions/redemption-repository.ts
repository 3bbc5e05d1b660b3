import type { Evaluation, Redemption } from '@mercato/contracts';
import { jsonb, sql, type Kysely, type Selectable } from '@mercato/platform/db';
import type { DiscountDB, RedemptionState, RedemptionsTable } from '../db.ts';

export type RedemptionRow = Selectable<RedemptionsTable>;

export function toRedemption(r: RedemptionRow): Redemption {
  return {
    id: r.id,
    checkoutId: r.checkout_id,
    status: r.status,
    customerId: r.customer_id,
    orderId: r.order_id,
    releaseReason: r.release_reason,
    expiresAt: r.expires_at.toISOString(),
    evaluation: r.evaluation as Evaluation,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

/** One use a redemption holds: the rows it counts against. */
export interface UseRow {
  promotion_id: string;
  code_id: string | null;
  customer_id: string | null;
  amount: number;
  shipping_amount: number;
  currency: string;
}

// The take* statements are the limits: one conditional UPDATE (or upsert) each, so a row
// lock orders concurrent reserves and the WHERE is re-checked on the row as it is after
// the one before committed (PostgreSQL's READ COMMITTED re-check). None returned: no use left.
export const redemptionRepository = {
  async insert(
    trx: Kysely<DiscountDB>,
    r: Omit<RedemptionRow, 'created_at' | 'updated_at' | 'order_id' | 'release_reason'> & { now: Date },
  ): Promise<RedemptionRow | undefined> {
    const { now, evaluation, ...rest } = r;
    return trx
      .insertInto('redemptions')
      .values({ ...rest, evaluation: jsonb(evaluation), created_at: now, updated_at: now })
      .onConflict((oc) => oc.column('checkout_id').doNothing())
      .returningAll()
      .executeTakeFirst();
  },

  byCheckout(db: Kysely<DiscountDB>, checkoutId: string, lock = false): Promise<RedemptionRow | undefined> {
    const q = db.selectFrom('redemptions').selectAll().where('checkout_id', '=', checkoutId);
    return (lock ? q.forUpdate() : q).executeTakeFirst();
  },

  async takePromotion(trx: Kysely<DiscountDB>, promotionId: string): Promise<boolean> {
    const row = await trx
      .updateTable('promotions')
      .set((eb) => ({ uses: eb('uses', '+', 1) }))
      .where('id', '=', promotionId)
      .where((eb) => eb.or([eb('usage_limit', 'is', null), eb('uses', '<', eb.ref('usage_limit'))]))
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  },

  async takeCode(trx: Kysely<DiscountDB>, codeId: string): Promise<boolean> {
    const row = await trx
      .updateTable('codes')
      .set((eb) => ({ uses: eb('uses', '+', 1) }))
      .where('id', '=', codeId)
      .where((eb) => eb.or([eb('usage_limit', 'is', null), eb('uses', '<', eb.ref('usage_limit'))]))
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  },

  async takeCustomer(
    trx: Kysely<DiscountDB>,
    promotionId: string,
    customerId: string,
    limit: number | null,
  ): Promise<boolean> {
    const row = await trx
      .insertInto('customer_uses')
      .values({ promotion_id: promotionId, customer_id: customerId, uses: 1 })
      .onConflict((oc) => {
        const update = oc
          .columns(['promotion_id', 'customer_id'])
          .doUpdateSet({ uses: sql`customer_uses.uses + 1` });
        return limit === null ? update : update.where(sql<boolean>`customer_uses.uses < ${limit}`);
      })
      .returning('uses')
      .executeTakeFirst();
    return row !== undefined;
  },

  async insertUses(trx: Kysely<DiscountDB>, redemptionId: string, uses: UseRow[]): Promise<void> {
    if (uses.length === 0) return;
    await trx
      .insertInto('redemption_uses')
      .values(uses.map((u) => ({ ...u, redemption_id: redemptionId, status: 'held' as const })))
      .execute();
  },

  async uses(trx: Kysely<DiscountDB>, redemptionId: string): Promise<UseRow[]> {
    const rows = await trx
      .selectFrom('redemption_uses')
      .select(['promotion_id', 'code_id', 'customer_id', 'amount', 'shipping_amount', 'currency'])
      .where('redemption_id', '=', redemptionId)
      .orderBy('promotion_id')
      .execute();
    // bigint columns come back as strings; every amount the evaluation can give is a safe integer.
    return rows.map((r) => ({ ...r, amount: Number(r.amount), shipping_amount: Number(r.shipping_amount) }));
  },

  /** Gives the uses back: every counter the reserve raised drops by one. */
  async giveBack(trx: Kysely<DiscountDB>, uses: UseRow[]): Promise<void> {
    for (const u of uses) {
      await trx
        .updateTable('promotions')
        .set((eb) => ({ uses: eb('uses', '-', 1) }))
        .where('id', '=', u.promotion_id)
        .execute();
      if (u.code_id) {
        await trx
          .updateTable('codes')
          .set((eb) => ({ uses: eb('uses', '-', 1) }))
          .where('id', '=', u.code_id)
          .execute();
      }
      if (u.customer_id) {
        await trx
          .updateTable('customer_uses')
          .set((eb) => ({ uses: eb('uses', '-', 1) }))
          .where('promotion_id', '=', u.promotion_id)
          .where('customer_id', '=', u.customer_id)
          .execute();
      }
    }
  },

  async setStatus(
    trx: Kysely<DiscountDB>,
    id: string,
    status: RedemptionState,
    now: Date,
    extra: { order_id?: string | null; release_reason?: string },
  ): Promise<RedemptionRow> {
    await trx.updateTable('redemption_uses').set({ status }).where('redemption_id', '=', id).execute();
    return trx
      .updateTable('redemptions')
      .set({ status, updated_at: now, ...extra })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  },

  /** Held redemptions past their expiry, claimed (a sweeper on another replica skips them). */
  claimExpired(trx: Kysely<DiscountDB>, now: Date, limit: number): Promise<RedemptionRow[]> {
    return trx
      .selectFrom('redemptions')
      .selectAll()
      .where('status', '=', 'held')
      .where('expires_at', '<=', now)
      .orderBy('expires_at')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
  },
};
