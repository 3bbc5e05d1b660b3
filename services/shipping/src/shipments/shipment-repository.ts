import type { Shipment } from '@mercato/contracts';
import { jsonb, sql, type Kysely, type Selectable } from '@mercato/platform/db';
import type { ShipmentLine, ShipmentStatus, ShipmentsTable, ShippingDB, TrackingEventsTable } from '../db.ts';

/** A shipment about to be written, before it has a label. */
export interface NewShipment {
  id: string;
  order_id: string;
  reference: string | null;
  warehouse_code: string;
  method_code: string;
  carrier: string;
  address: Record<string, unknown>;
  lines: ShipmentLine[];
}

export function toShipment(row: Selectable<ShipmentsTable>): Shipment {
  return {
    id: row.id,
    orderId: row.order_id,
    reference: row.reference,
    warehouseCode: row.warehouse_code,
    methodCode: row.method_code,
    carrier: row.carrier,
    trackingNumber: row.tracking_number,
    labelUrl: row.label_url,
    status: row.status,
    address: row.address as Shipment['address'],
    lines: row.lines,
    dispatchedAt: row.dispatched_at?.toISOString() ?? null,
    deliveredAt: row.delivered_at?.toISOString() ?? null,
    version: row.version,
    createdAt: row.created_at.toISOString(),
  };
}

/** SQL of shipments and their tracking history. Write methods take the caller's transaction. */
export const shipmentRepository = {
  async forOrder(db: Kysely<ShippingDB>, orderId: string): Promise<Array<Selectable<ShipmentsTable>>> {
    return db
      .selectFrom('shipments')
      .selectAll()
      .where('order_id', '=', orderId)
      .orderBy('warehouse_code')
      .execute();
  },

  async find(db: Kysely<ShippingDB>, id: string, opts: { forUpdate?: boolean } = {}) {
    let q = db.selectFrom('shipments').selectAll().where('id', '=', id);
    if (opts.forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  },

  async byTracking(db: Kysely<ShippingDB>, trackingNumber: string, opts: { forUpdate?: boolean } = {}) {
    let q = db.selectFrom('shipments').selectAll().where('tracking_number', '=', trackingNumber);
    if (opts.forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  },

  /** Inserts the pending shipments of an order that do not exist yet (a retried request adds none). */
  async insertPending(trx: Kysely<ShippingDB>, rows: NewShipment[]) {
    if (rows.length === 0) return;
    await trx
      .insertInto('shipments')
      .values(
        rows.map((r) => ({
          ...r,
          status: 'pending' as const,
          tracking_number: null,
          label_url: null,
          dispatched_at: null,
          delivered_at: null,
          address: jsonb(r.address),
          lines: jsonb(r.lines),
        })),
      )
      .onConflict((oc) => oc.columns(['order_id', 'warehouse_code']).doNothing())
      .execute();
  },

  async update(
    trx: Kysely<ShippingDB>,
    id: string,
    set: Partial<
      Pick<ShipmentsTable, 'status' | 'tracking_number' | 'label_url' | 'dispatched_at' | 'delivered_at'>
    >,
  ): Promise<Selectable<ShipmentsTable>> {
    return trx
      .updateTable('shipments')
      .set({ ...set, version: sql<number>`version + 1`, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  },

  /** Records a tracking event; false when the carrier's event id was recorded before. */
  async insertEvent(trx: Kysely<ShippingDB>, e: Omit<TrackingEventsTable, 'received_at'>): Promise<boolean> {
    const r = await trx
      .insertInto('tracking_events')
      .values(e)
      .onConflict((oc) => oc.column('carrier_event_id').doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  },

  async events(db: Kysely<ShippingDB>, shipmentId: string) {
    return db
      .selectFrom('tracking_events')
      .select(['status', 'detail', 'occurred_at'])
      .where('shipment_id', '=', shipmentId)
      .orderBy('occurred_at')
      .orderBy('received_at')
      .execute();
  },
};

/** How far along a shipment is: a tracking update never moves it back (carriers' webhooks arrive out of order). */
export const PROGRESS: Record<ShipmentStatus, number> = {
  pending: 0,
  label_created: 1,
  dispatched: 2,
  in_transit: 3,
  out_for_delivery: 4,
  exception: 5,
  delivered: 6,
  cancelled: 7,
};
