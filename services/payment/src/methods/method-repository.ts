import { sql, type Kysely, type Selectable } from '@mercato/platform/db';
import type { PaymentDB, PaymentMethodsTable } from '../db.ts';
import type { ProviderCard } from '../providers/payment-provider.ts';
import type { PaymentMethod } from './method.ts';

export type MethodRow = Selectable<PaymentMethodsTable>;

export function toMethod(r: MethodRow): PaymentMethod {
  return {
    id: r.id,
    brand: r.brand,
    last4: r.last4,
    expMonth: r.exp_month,
    expYear: r.exp_year,
    country: r.country,
    createdAt: r.created_at.toISOString(),
  };
}

/** SQL of saved payment methods. */
export const methodRepository = {
  /** Saves a method; the provider's reference is unique, so a repeated save returns the first row. */
  async insert(
    trx: Kysely<PaymentDB>,
    m: { id: string; customerId: string; provider: string; reference: string; card: ProviderCard },
  ): Promise<MethodRow> {
    const inserted = await trx
      .insertInto('payment_methods')
      .values({
        id: m.id,
        customer_id: m.customerId,
        provider: m.provider,
        provider_token: m.reference,
        brand: m.card.brand,
        last4: m.card.last4,
        exp_month: m.card.expMonth,
        exp_year: m.card.expYear,
        country: m.card.country,
        fingerprint: m.card.fingerprint,
      })
      .onConflict((oc) => oc.columns(['provider', 'provider_token']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return inserted;
    return trx
      .selectFrom('payment_methods')
      .selectAll()
      .where('provider', '=', m.provider)
      .where('provider_token', '=', m.reference)
      .executeTakeFirstOrThrow();
  },
  /** A customer's live method (undefined for someone else's, a deleted or an unknown one). */
  async find(db: Kysely<PaymentDB>, customerId: string, id: string): Promise<MethodRow | undefined> {
    return db
      .selectFrom('payment_methods')
      .selectAll()
      .where('id', '=', id)
      .where('customer_id', '=', customerId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
  },
  async list(db: Kysely<PaymentDB>, customerId: string): Promise<MethodRow[]> {
    return db
      .selectFrom('payment_methods')
      .selectAll()
      .where('customer_id', '=', customerId)
      .where('deleted_at', 'is', null)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  },
  async markDeleted(trx: Kysely<PaymentDB>, id: string): Promise<void> {
    await trx
      .updateTable('payment_methods')
      .set({ deleted_at: sql<Date>`now()` })
      .where('id', '=', id)
      .execute();
  },
};
