import { newId } from '@mercato/platform/ids';
import type { ServiceContext } from '@mercato/platform/service';
import type { DiscountDB } from './db.ts';
import { PROMOTION_DEFAULTS, promotionColumns } from './promotions/promotion-service.ts';
import type { PromotionFields } from './promotions/promotion-rules-check.ts';

// Fixed ids: every start may run the seed and adds only what is missing.
const LAUNCH_CAMPAIGN = '0193a1b2-7c4d-7e8f-9a0b-d15c00000001';

const promotions: Array<{ id: string; code?: string; fields: PromotionFields }> = [
  {
    id: '0193a1b2-7c4d-7e8f-9a0b-d15c00000101',
    code: 'WELCOME10',
    fields: {
      ...PROMOTION_DEFAULTS,
      name: 'Welcome: 10 % off',
      description: 'The demo code WELCOME10: 10 % off the whole cart, combinable',
      kind: 'percentage',
      trigger: 'code',
      percentOff: 10,
    },
  },
  {
    id: '0193a1b2-7c4d-7e8f-9a0b-d15c00000102',
    fields: {
      ...PROMOTION_DEFAULTS,
      name: 'Free shipping over $50',
      description: 'Automatic: shipping is free when the cart comes to $50.00 or more',
      kind: 'free_shipping',
      trigger: 'automatic',
      currency: 'USD',
      minSubtotal: 5000,
    },
  },
  {
    id: '0193a1b2-7c4d-7e8f-9a0b-d15c00000103',
    code: 'LAUNCH5',
    fields: {
      ...PROMOTION_DEFAULTS,
      name: 'Launch week: $5 off $40',
      description: 'The code LAUNCH5 of the launch campaign: $5.00 off a cart of $40.00 or more, 1,000 uses',
      campaignId: LAUNCH_CAMPAIGN,
      kind: 'fixed_amount',
      trigger: 'code',
      amountOff: 500,
      currency: 'USD',
      minSubtotal: 4000,
      usageLimit: 1000,
    },
  },
];

/** Demo promotions: WELCOME10, free shipping over $50, and a launch campaign's LAUNCH5. */
export async function seedDiscount(ctx: ServiceContext<DiscountDB>): Promise<void> {
  await ctx.database.transaction(async (trx) => {
    await trx
      .insertInto('campaigns')
      .values({
        id: LAUNCH_CAMPAIGN,
        name: 'Launch week',
        description: 'The demo campaign: its promotions share one switch and schedule',
        status: 'active',
        starts_at: null,
        ends_at: null,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    for (const p of promotions) {
      await trx
        .insertInto('promotions')
        .values({ id: p.id, ...promotionColumns(p.fields), created_by: 'seed' })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      if (p.code) {
        await trx
          .insertInto('codes')
          .values({ id: newId(), promotion_id: p.id, batch_id: null, code: p.code, usage_limit: null })
          .onConflict((oc) => oc.column('code').doNothing())
          .execute();
      }
    }
  });
}
