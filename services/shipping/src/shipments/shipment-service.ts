import type { CreateShipments, Shipment } from '@mercato/contracts';
import type { Selectable, Transaction } from '@mercato/platform/db';
import { newId } from '@mercato/platform/ids';
import type { ServiceContext } from '@mercato/platform/service';
import type { ShipmentsTable, ShippingDB } from '../db.ts';
import { ShippingErrors } from '../errors.ts';
import {
  CarrierUnavailableError,
  type CarrierProvider,
  type CarrierTrackingEvent,
} from '../providers/carrier.ts';
import { zoneRepository } from '../zones/zone-repository.ts';
import { PROGRESS, shipmentRepository as repo, toShipment } from './shipment-repository.ts';

/** A shipment's public tracking: where it is, never where it goes. */
export interface Tracking {
  trackingNumber: string;
  carrier: string;
  status: Shipment['status'];
  events: Array<{ status: string; detail: string | null; occurredAt: string }>;
}

/** Use cases of shipments. */
export interface ShipmentService {
  /** An order's shipments with their labels (one per warehouse; a retry finishes what a carrier outage left pending). */
  create(input: CreateShipments): Promise<Shipment[]>;
  forOrder(orderId: string): Promise<Shipment[]>;
  get(id: string): Promise<Shipment>;
  dispatch(id: string): Promise<Shipment>;
  cancel(id: string): Promise<Shipment>;
  tracking(trackingNumber: string): Promise<Tracking>;
  /** A carrier's tracking update: applied once, never moving a shipment back; 'unknown' for a parcel that is not ours. */
  applyTracking(event: CarrierTrackingEvent): Promise<'applied' | 'duplicate' | 'unknown'>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createShipmentService(
  ctx: Pick<ServiceContext<ShippingDB>, 'database' | 'outbox'>,
  carrier: CarrierProvider,
): ShipmentService {
  const { database, outbox } = ctx;
  const notFound = (id: string) => ShippingErrors.SHIPPING_SHIPMENT_NOT_FOUND(`no shipment ${id}`);

  function base(s: Selectable<ShipmentsTable>) {
    return {
      shipmentId: s.id,
      orderId: s.order_id,
      warehouseCode: s.warehouse_code,
      carrier: s.carrier,
      trackingNumber: s.tracking_number,
    };
  }

  async function announceDispatch(trx: Transaction<ShippingDB>, s: Selectable<ShipmentsTable>, at: Date) {
    const row = await repo.update(trx, s.id, { status: 'dispatched', dispatched_at: at });
    await outbox.add(trx, {
      type: 'shipment.dispatched',
      subject: s.id,
      data: { ...base(row), dispatchedAt: at.toISOString() },
    });
    return row;
  }

  async function label(s: Selectable<ShipmentsTable>): Promise<void> {
    const weightGrams = s.lines.reduce((sum, l) => sum + (l.weightGrams ?? 0) * l.quantity, 0);
    let made;
    try {
      made = await carrier.createLabel({
        idempotencyKey: s.id,
        // The shipment id: the carrier's first webhook may arrive before its tracking number is stored here.
        reference: s.id,
        service: s.method_code,
        weightGrams,
        toCountry: String((s.address as { country?: unknown }).country),
      });
    } catch (err) {
      if (err instanceof CarrierUnavailableError)
        throw ShippingErrors.SHIPPING_CARRIER_UNAVAILABLE(err.message);
      throw err;
    }
    await database.transaction(async (trx) => {
      const current = await repo.find(trx, s.id, { forUpdate: true });
      if (!current || current.status !== 'pending') return;
      const row = await repo.update(trx, s.id, {
        status: 'label_created',
        tracking_number: made.trackingNumber,
        label_url: made.labelUrl,
      });
      await outbox.add(trx, {
        type: 'shipment.created',
        subject: row.id,
        data: {
          ...base(row),
          methodCode: row.method_code,
          lines: row.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
        },
      });
    });
  }

  return {
    async create(input) {
      const found = await zoneRepository.forCountry(database.db, input.address.country);
      if (!found?.methods.some((m) => m.code === input.methodCode))
        throw ShippingErrors.SHIPPING_METHOD_UNAVAILABLE(
          `${input.methodCode} does not ship to ${input.address.country}`,
        );
      const warehouses = input.parcels.map((p) => p.warehouseCode);
      if (new Set(warehouses).size !== warehouses.length)
        throw ShippingErrors.SHIPPING_INVALID_TRANSITION(
          'one parcel per warehouse: merge the lines of a warehouse',
        );
      await database.transaction((trx) =>
        repo.insertPending(
          trx,
          input.parcels.map((p) => ({
            id: newId(),
            order_id: input.orderId,
            reference: input.reference ?? null,
            warehouse_code: p.warehouseCode,
            method_code: input.methodCode,
            carrier: carrier.name,
            address: input.address,
            lines: p.lines,
          })),
        ),
      );
      for (const s of await repo.forOrder(database.db, input.orderId))
        if (s.status === 'pending') await label(s);
      return (await repo.forOrder(database.db, input.orderId)).map(toShipment);
    },

    forOrder: async (orderId) => (await repo.forOrder(database.db, orderId)).map(toShipment),

    async get(id) {
      const row = await repo.find(database.db, id);
      if (!row) throw notFound(id);
      return toShipment(row);
    },

    async dispatch(id) {
      const row = await repo.find(database.db, id);
      if (!row) throw notFound(id);
      if (PROGRESS[row.status] >= PROGRESS.dispatched && row.status !== 'cancelled') return toShipment(row);
      if (row.status !== 'label_created' || !row.tracking_number)
        throw ShippingErrors.SHIPPING_INVALID_TRANSITION(`a ${row.status} shipment cannot be dispatched`);
      try {
        await carrier.pickup(row.tracking_number);
      } catch (err) {
        if (err instanceof CarrierUnavailableError)
          throw ShippingErrors.SHIPPING_CARRIER_UNAVAILABLE(err.message);
        throw err;
      }
      return database.transaction(async (trx) => {
        const current = await repo.find(trx, id, { forUpdate: true });
        if (!current) throw notFound(id);
        if (current.status !== 'label_created') return toShipment(current);
        return toShipment(await announceDispatch(trx, current, new Date()));
      });
    },

    async cancel(id) {
      const row = await repo.find(database.db, id);
      if (!row) throw notFound(id);
      if (row.status === 'cancelled') return toShipment(row);
      if (row.status !== 'pending' && row.status !== 'label_created')
        throw ShippingErrors.SHIPPING_INVALID_TRANSITION(`a ${row.status} shipment cannot be cancelled`);
      if (row.tracking_number) {
        let voided;
        try {
          voided = await carrier.voidLabel(row.tracking_number);
        } catch (err) {
          if (err instanceof CarrierUnavailableError)
            throw ShippingErrors.SHIPPING_CARRIER_UNAVAILABLE(err.message);
          throw err;
        }
        if (!voided) throw ShippingErrors.SHIPPING_INVALID_TRANSITION('the carrier already has the parcel');
      }
      return database.transaction(async (trx) => {
        const current = await repo.find(trx, id, { forUpdate: true });
        if (!current) throw notFound(id);
        if (current.status !== 'pending' && current.status !== 'label_created') return toShipment(current);
        return toShipment(await repo.update(trx, id, { status: 'cancelled' }));
      });
    },

    async tracking(trackingNumber) {
      const row = await repo.byTracking(database.db, trackingNumber);
      if (!row) throw notFound(trackingNumber);
      const events = await repo.events(database.db, row.id);
      return {
        trackingNumber,
        carrier: row.carrier,
        status: row.status,
        events: events.map((e) => ({
          status: e.status,
          detail: e.detail,
          occurredAt: e.occurred_at.toISOString(),
        })),
      };
    },

    async applyTracking(event) {
      return database.transaction(async (trx) => {
        const s =
          (await repo.byTracking(trx, event.trackingNumber, { forUpdate: true })) ??
          (event.reference && UUID.test(event.reference)
            ? await repo.find(trx, event.reference, { forUpdate: true })
            : undefined);
        if (!s || (s.tracking_number !== null && s.tracking_number !== event.trackingNumber))
          return 'unknown';
        const fresh = await repo.insertEvent(trx, {
          id: newId(),
          shipment_id: s.id,
          carrier_event_id: event.eventId,
          status: event.status,
          detail: event.detail,
          occurred_at: event.occurredAt,
        });
        if (!fresh) return 'duplicate';
        // Only moves forward: a late in_transit after delivered is history, not a state.
        if (event.status === 'cancelled' || event.status === 'label_created' || s.status === 'pending')
          return 'applied';
        if (s.status === 'cancelled' || PROGRESS[event.status] <= PROGRESS[s.status]) return 'applied';
        let row = s;
        if (PROGRESS[row.status] < PROGRESS.dispatched)
          row = await announceDispatch(trx, row, event.occurredAt);
        if (event.status === 'delivered') {
          row = await repo.update(trx, row.id, { status: 'delivered', delivered_at: event.occurredAt });
          await outbox.add(trx, {
            type: 'shipment.delivered',
            subject: row.id,
            data: { ...base(row), deliveredAt: event.occurredAt.toISOString() },
          });
        } else if (event.status === 'exception') {
          row = await repo.update(trx, row.id, { status: 'exception' });
          await outbox.add(trx, {
            type: 'shipment.exception',
            subject: row.id,
            data: { ...base(row), reason: event.detail, occurredAt: event.occurredAt.toISOString() },
          });
        } else {
          await repo.update(trx, row.id, { status: event.status });
        }
        return 'applied';
      });
    },
  };
}
