import { sql, type Kysely } from '@mercato/platform/db';
import type { DiscountDB } from '../db.ts';
import type { UsageReport } from './promotion.ts';

/** The usage report of one promotion (its row must exist). */
export async function usageReport(
  db: Kysely<DiscountDB>,
  promotion: { id: string; usageLimit: number | null; uses: number },
): Promise<UsageReport> {
  const [states, amounts, customers, codes] = await Promise.all([
    db
      .selectFrom('redemption_uses')
      .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
      .where('promotion_id', '=', promotion.id)
      .groupBy('status')
      .execute(),
    db
      .selectFrom('redemption_uses')
      .select([
        'currency',
        (eb) => eb.fn.sum<string>('amount').as('discount'),
        (eb) => eb.fn.sum<string>('shipping_amount').as('shipping'),
      ])
      .where('promotion_id', '=', promotion.id)
      .where('status', '=', 'committed')
      .groupBy('currency')
      .orderBy('currency')
      .execute(),
    db
      .selectFrom('redemption_uses')
      .select(sql<string>`count(distinct customer_id)`.as('n'))
      .where('promotion_id', '=', promotion.id)
      .where('status', '=', 'committed')
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('codes')
      .select([
        (eb) => eb.fn.countAll<string>().as('total'),
        sql<string>`count(*) filter (where uses > 0)`.as('used'),
      ])
      .where('promotion_id', '=', promotion.id)
      .executeTakeFirstOrThrow(),
  ]);
  const count = (s: string) => Number(states.find((r) => r.status === s)?.n ?? 0);
  return {
    promotionId: promotion.id,
    usageLimit: promotion.usageLimit,
    uses: promotion.uses,
    held: count('held'),
    committed: count('committed'),
    released: count('released'),
    customers: Number(customers.n),
    amounts: amounts.map((a) => ({
      currency: a.currency,
      discount: Number(a.discount),
      shippingDiscount: Number(a.shipping),
    })),
    codes: { total: Number(codes.total), used: Number(codes.used) },
  };
}
