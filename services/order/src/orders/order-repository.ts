import type { OrderAddress, Order, OrderStatus } from '@mercato/contracts';
import { jsonb, likePattern, sql, type Kysely, type Selectable } from '@mercato/platform/db';
import type { OrderDB, OrderLinesTable, OrdersTable } from '../db.ts';
import type { NewLine, NewOrder, OrderRow, OrderSearch } from './order.ts';

const money = (amount: string | number, currency: string) => ({ amount: Number(amount), currency });
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The order row as the use cases read it (money as numbers). */
export function toRow(row: Selectable<OrdersTable>): OrderRow {
  return {
    id: row.id,
    number: row.number,
    checkoutId: row.checkout_id,
    fingerprint: row.create_fingerprint,
    status: row.status as OrderStatus,
    customerId: row.customer_id,
    email: row.email,
    currency: row.currency,
    total: Number(row.total),
    refundedTotal: Number(row.refunded_total),
    paymentId: row.payment_id,
    paidAt: row.paid_at,
    deliveredAt: row.delivered_at,
    version: row.version,
  };
}

type LineRow = Selectable<OrderLinesTable>;

/** SQL of orders and their lines. Write methods take the caller's transaction. */
export const orderRepository = {
  /** The next readable number (a sequence: never the same twice, even under concurrency). */
  async nextNumber(trx: Kysely<OrderDB>, schema: string, prefix: string): Promise<string> {
    const seq = `${schema}.order_number_seq`;
    const { rows } = await sql<{ n: string }>`select nextval(${seq}::regclass) as n`.execute(trx);
    return `${prefix}${String(rows[0]!.n).padStart(7, '0')}`;
  },

  async insert(trx: Kysely<OrderDB>, o: NewOrder, lines: NewLine[]): Promise<void> {
    await trx
      .insertInto('orders')
      .values({
        id: o.id,
        number: o.number,
        checkout_id: o.checkoutId,
        create_fingerprint: o.fingerprint,
        status: 'pending',
        customer_id: o.customerId,
        email: o.email,
        currency: o.currency,
        shipping_address: jsonb(o.shippingAddress),
        billing_address: o.billingAddress ? jsonb(o.billingAddress) : null,
        shipping_method_code: o.shippingMethod.code,
        shipping_method_name: o.shippingMethod.name,
        subtotal: o.subtotal,
        discount_total: o.discountTotal,
        shipping_total: o.shippingTotal,
        tax_total: o.taxTotal,
        total: o.total,
        payment_id: o.paymentId,
      })
      .execute();
    await trx
      .insertInto('order_lines')
      .values(
        lines.map((l) => ({
          order_id: o.id,
          line_no: l.lineNo,
          sku: l.sku,
          title: l.title,
          quantity: l.quantity,
          unit_price: l.unitPrice,
          discounts: jsonb(l.discounts),
          discount_total: l.discountTotal,
          tax: l.tax,
          total: l.total,
        })),
      )
      .execute();
  },

  async find(
    db: Kysely<OrderDB>,
    id: string,
    opts: { forUpdate?: boolean } = {},
  ): Promise<OrderRow | undefined> {
    let q = db.selectFrom('orders').selectAll().where('id', '=', id);
    if (opts.forUpdate) q = q.forUpdate();
    const row = await q.executeTakeFirst();
    return row && toRow(row);
  },

  async findByCheckout(db: Kysely<OrderDB>, checkoutId: string): Promise<OrderRow | undefined> {
    const row = await db
      .selectFrom('orders')
      .selectAll()
      .where('checkout_id', '=', checkoutId)
      .executeTakeFirst();
    return row && toRow(row);
  },

  async findByNumberAndEmail(
    db: Kysely<OrderDB>,
    number: string,
    email: string,
  ): Promise<string | undefined> {
    const row = await db
      .selectFrom('orders')
      .select('id')
      .where('number', '=', number)
      .where(sql<string>`lower(email)`, '=', email.toLowerCase())
      .executeTakeFirst();
    return row?.id;
  },

  async lines(db: Kysely<OrderDB>, orderId: string): Promise<LineRow[]> {
    return db
      .selectFrom('order_lines')
      .selectAll()
      .where('order_id', '=', orderId)
      .orderBy('line_no')
      .execute();
  },

  /**
   * Sets the status (and what else is given), bumps the version. With `expect`, a
   * compare-and-set: the row changes only while it still has that status and version, and
   * the answer says whether it did.
   */
  async update(
    trx: Kysely<OrderDB>,
    id: string,
    patch: {
      status?: OrderStatus;
      paymentId?: string;
      refundedTotal?: number;
      paidAt?: Date;
      deliveredAt?: Date;
    },
    expect?: { status: OrderStatus; version: number },
  ): Promise<boolean> {
    let q = trx
      .updateTable('orders')
      .set({
        ...(patch.status !== undefined && { status: patch.status }),
        ...(patch.paymentId !== undefined && { payment_id: patch.paymentId }),
        ...(patch.refundedTotal !== undefined && { refunded_total: patch.refundedTotal }),
        ...(patch.paidAt !== undefined && { paid_at: patch.paidAt }),
        ...(patch.deliveredAt !== undefined && { delivered_at: patch.deliveredAt }),
        version: sql<number>`version + 1`,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', id);
    if (expect) q = q.where('status', '=', expect.status).where('version', '=', expect.version);
    const res = await q.executeTakeFirst();
    return res.numUpdatedRows > 0n;
  },

  async updateLine(
    trx: Kysely<OrderDB>,
    orderId: string,
    lineNo: number,
    patch: { fulfilledQuantity?: number; returnedQuantity?: number; refunded?: number },
  ): Promise<void> {
    await trx
      .updateTable('order_lines')
      .set({
        ...(patch.fulfilledQuantity !== undefined && { fulfilled_quantity: patch.fulfilledQuantity }),
        ...(patch.returnedQuantity !== undefined && { returned_quantity: patch.returnedQuantity }),
        ...(patch.refunded !== undefined && { refunded: patch.refunded }),
      })
      .where('order_id', '=', orderId)
      .where('line_no', '=', lineNo)
      .execute();
  },

  async addHistory(
    trx: Kysely<OrderDB>,
    h: { id: string; orderId: string; from: string | null; to: string; actor: string; reason: string | null },
  ): Promise<void> {
    await trx
      .insertInto('order_status_history')
      .values({
        id: h.id,
        order_id: h.orderId,
        from_status: h.from,
        to_status: h.to,
        actor: h.actor,
        reason: h.reason,
      })
      .execute();
  },

  async history(db: Kysely<OrderDB>, orderId: string) {
    const rows = await db
      .selectFrom('order_status_history')
      .selectAll()
      .where('order_id', '=', orderId)
      .orderBy('seq')
      .execute();
    return rows.map((r) => ({
      from: r.from_status,
      to: r.to_status,
      actor: r.actor,
      reason: r.reason,
      at: r.at.toISOString(),
    }));
  },

  /** The whole order as its readers see it: lines, refunds, returns (`fresh`: just created, it has neither). */
  async view(db: Kysely<OrderDB>, id: string, opts: { fresh?: boolean } = {}): Promise<Order | undefined> {
    const row = await db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const [lines, refunds, returns] = await Promise.all([
      orderRepository.lines(db, id),
      opts.fresh
        ? []
        : db
            .selectFrom('order_refunds')
            .selectAll()
            .where('order_id', '=', id)
            .orderBy('created_at')
            .orderBy('id')
            .execute(),
      opts.fresh
        ? []
        : db
            .selectFrom('order_returns')
            .selectAll()
            .where('order_id', '=', id)
            .orderBy('created_at')
            .orderBy('id')
            .execute(),
    ]);
    const c = row.currency;
    const total = Number(row.total);
    const refunded = Number(row.refunded_total);
    return {
      id: row.id,
      number: row.number,
      checkoutId: row.checkout_id,
      status: row.status as OrderStatus,
      customerId: row.customer_id,
      email: row.email,
      guest: row.customer_id === null,
      currency: c,
      lines: lines.map((l) => ({
        lineNo: l.line_no,
        sku: l.sku,
        title: l.title,
        quantity: l.quantity,
        unitPrice: money(l.unit_price, c),
        discounts: l.discounts as Order['lines'][number]['discounts'],
        discountTotal: money(l.discount_total, c),
        tax: money(l.tax, c),
        total: money(l.total, c),
        fulfilledQuantity: l.fulfilled_quantity,
        returnedQuantity: l.returned_quantity,
        refunded: money(l.refunded, c),
      })),
      shippingAddress: row.shipping_address as OrderAddress,
      billingAddress: (row.billing_address ?? null) as OrderAddress | null,
      shippingMethod: { code: row.shipping_method_code, name: row.shipping_method_name },
      totals: {
        subtotal: money(row.subtotal, c),
        discount: money(row.discount_total, c),
        shipping: money(row.shipping_total, c),
        tax: money(row.tax_total, c),
        total: money(total, c),
        refunded: money(refunded, c),
      },
      refundStatus: refunded === 0 ? 'none' : refunded >= total ? 'full' : 'partial',
      paymentId: row.payment_id,
      refunds: refunds.map((r) => ({
        id: r.id,
        amount: money(r.amount, c),
        lines: r.lines as Array<{ lineNo: number; quantity: number }>,
        reason: r.reason,
        status: r.status,
        paymentRefundId: r.payment_refund_id,
        requestedBy: r.requested_by,
        createdAt: r.created_at.toISOString(),
      })),
      returns: returns.map((r) => ({
        id: r.id,
        status: r.status,
        lines: r.lines as Array<{ lineNo: number; sku: string; quantity: number }>,
        reason: r.reason,
        requestedBy: r.requested_by,
        createdAt: r.created_at.toISOString(),
        receivedAt: iso(r.received_at),
      })),
      deliveredAt: iso(row.delivered_at),
      version: row.version,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    };
  },

  /** A page of order summaries, newest first, by the given filters. */
  async search(db: Kysely<OrderDB>, q: OrderSearch) {
    let filtered = db.selectFrom('orders');
    if (q.customerId !== undefined) filtered = filtered.where('customer_id', '=', q.customerId);
    if (q.number) filtered = filtered.where('number', '=', q.number);
    if (q.email)
      filtered = filtered.where(sql<string>`lower(email)`, 'like', likePattern(q.email.toLowerCase()));
    if (q.status) filtered = filtered.where('status', '=', q.status);
    if (q.from) filtered = filtered.where('created_at', '>=', new Date(q.from));
    if (q.to) filtered = filtered.where('created_at', '<', new Date(q.to));
    if (q.minTotal !== undefined) filtered = filtered.where('total', '>=', q.minTotal);
    if (q.maxTotal !== undefined) filtered = filtered.where('total', '<=', q.maxTotal);
    const [count, rows] = await Promise.all([
      filtered.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
      filtered
        .select([
          'id',
          'number',
          'status',
          'customer_id',
          'email',
          'currency',
          'total',
          'refunded_total',
          'created_at',
        ])
        .select((eb) =>
          eb
            .selectFrom('order_lines')
            .whereRef('order_lines.order_id', '=', 'orders.id')
            .select((e) => e.fn.coalesce(e.fn.sum<string>('quantity'), sql<string>`0`).as('q'))
            .as('item_count'),
        )
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize)
        .execute(),
    ]);
    return {
      totalCount: Number(count.n),
      items: rows.map((r) => ({
        id: r.id,
        number: r.number,
        status: r.status as OrderStatus,
        customerId: r.customer_id,
        email: r.email,
        total: money(r.total, r.currency),
        refunded: money(r.refunded_total, r.currency),
        itemCount: Number(r.item_count ?? 0),
        createdAt: r.created_at.toISOString(),
      })),
    };
  },
};
