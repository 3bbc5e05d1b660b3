import { sql, type Insertable, type Kysely, type Updateable } from '@mercato/platform/db';
import type { PaymentDB, PaymentsTable } from '../db.ts';
import { toPayment, type Payment, type PaymentFilter, type PaymentRow } from './payment.ts';

/** SQL of payments and their refunds. Write methods take the caller's transaction. */
export const paymentRepository = {
  async insert(trx: Kysely<PaymentDB>, row: Insertable<PaymentsTable>): Promise<PaymentRow> {
    return trx.insertInto('payments').values(row).returningAll().executeTakeFirstOrThrow();
  },

  /** Inserts unless the Idempotency-Key already has a payment; answers the row that holds the key. */
  async insertOnce(
    trx: Kysely<PaymentDB>,
    row: Insertable<PaymentsTable>,
  ): Promise<{ row: PaymentRow; created: boolean }> {
    const inserted = await trx
      .insertInto('payments')
      .values(row)
      .onConflict((oc) => oc.columns(['idempotency_scope', 'idempotency_key']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return { row: inserted, created: true };
    const existing = await trx
      .selectFrom('payments')
      .selectAll()
      .where('idempotency_scope', '=', row.idempotency_scope)
      .where('idempotency_key', '=', row.idempotency_key)
      .executeTakeFirstOrThrow();
    return { row: existing, created: false };
  },

  async row(
    db: Kysely<PaymentDB>,
    id: string,
    opts: { forUpdate?: boolean } = {},
  ): Promise<PaymentRow | undefined> {
    let q = db.selectFrom('payments').selectAll().where('id', '=', id);
    if (opts.forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  },

  async byReference(
    db: Kysely<PaymentDB>,
    provider: string,
    reference: string,
  ): Promise<PaymentRow | undefined> {
    return db
      .selectFrom('payments')
      .selectAll()
      .where('provider', '=', provider)
      .where('provider_reference', '=', reference)
      .forUpdate()
      .executeTakeFirst();
  },

  /** Changes a payment; `where` narrows it to the states the change is allowed from (none: no row). */
  async update(
    trx: Kysely<PaymentDB>,
    id: string,
    patch: Updateable<PaymentsTable>,
    where: { status?: readonly string[] } = {},
  ): Promise<PaymentRow | undefined> {
    let q = trx
      .updateTable('payments')
      .set({ ...patch, version: sql<number>`version + 1`, updated_at: sql<Date>`now()` })
      .where('id', '=', id);
    if (where.status) q = q.where('status', 'in', [...where.status]);
    return q.returningAll().executeTakeFirst();
  },

  /**
   * Marks a capture or void as asked of the provider, if the payment is in one of `from`
   * and no other operation is out (or the other one is older than `staleBefore`: its caller
   * died; repeating it with the same provider idempotency key is safe).
   */
  async claimOperation(
    trx: Kysely<PaymentDB>,
    id: string,
    operation: 'capture' | 'void',
    from: readonly string[],
    staleBefore: Date,
  ): Promise<PaymentRow | undefined> {
    return trx
      .updateTable('payments')
      .set({ pending_operation: operation, pending_since: sql<Date>`now()` })
      .where('id', '=', id)
      .where('status', 'in', [...from])
      .where((eb) => eb.or([eb('pending_operation', 'is', null), eb('pending_since', '<', staleBefore)]))
      .returningAll()
      .executeTakeFirst();
  },

  /**
   * Sets aside `amount` for a refund if captured − refunded − already set aside covers it:
   * one conditional statement, so concurrent refunds cannot together exceed the capture.
   */
  async reserveRefund(trx: Kysely<PaymentDB>, id: string, amount: number): Promise<PaymentRow | undefined> {
    return trx
      .updateTable('payments')
      .set({ refund_reserved: sql<number>`refund_reserved + ${amount}` })
      .where('id', '=', id)
      .where('status', 'in', ['captured', 'partially_captured', 'partially_refunded'])
      .where(sql<boolean>`captured_amount - refunded_amount - refund_reserved >= ${amount}`)
      .returningAll()
      .executeTakeFirst();
  },

  async refundRows(db: Kysely<PaymentDB>, paymentIds: string[]) {
    if (paymentIds.length === 0) return [];
    return db
      .selectFrom('refunds')
      .selectAll()
      .where('payment_id', 'in', paymentIds)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  },

  async load(db: Kysely<PaymentDB>, id: string): Promise<Payment | undefined> {
    const row = await paymentRepository.row(db, id);
    return row && toPayment(row, await paymentRepository.refundRows(db, [id]));
  },

  async withRefunds(db: Kysely<PaymentDB>, row: PaymentRow): Promise<Payment> {
    return toPayment(row, await paymentRepository.refundRows(db, [row.id]));
  },

  async list(db: Kysely<PaymentDB>, f: PaymentFilter): Promise<{ items: Payment[]; total: number }> {
    let q = db.selectFrom('payments');
    if (f.orderId) q = q.where('order_id', '=', f.orderId);
    if (f.checkoutId) q = q.where('checkout_id', '=', f.checkoutId);
    if (f.status) q = q.where('status', '=', f.status);
    const [rows, count] = await Promise.all([
      q
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(f.pageSize)
        .offset((f.page - 1) * f.pageSize)
        .execute(),
      q.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    const refunds = await paymentRepository.refundRows(
      db,
      rows.map((r) => r.id),
    );
    return {
      items: rows.map((r) =>
        toPayment(
          r,
          refunds.filter((x) => x.payment_id === r.id),
        ),
      ),
      total: Number(count.n),
    };
  },

  /** Payments since `since` with this card, email or IP (the velocity rules). */
  async velocity(
    db: Kysely<PaymentDB>,
    since: Date,
    keys: { fingerprint: string | null; email: string | null; ip: string | null },
  ): Promise<{ card: number; email: number; ip: number }> {
    const count = async (column: 'card_fingerprint' | 'email' | 'ip_address', value: string | null) => {
      if (value === null) return 0;
      const r = await db
        .selectFrom('payments')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where(column, '=', value)
        .where('created_at', '>=', since)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    };
    return {
      card: await count('card_fingerprint', keys.fingerprint),
      email: await count('email', keys.email),
      ip: await count('ip_address', keys.ip),
    };
  },
};
