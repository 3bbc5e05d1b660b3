import { Type, type Static } from 'typebox';

// The shipping service's events. Data objects stay open so optional fields can be added
// compatibly (ARCHITECTURE.md §6). None carries the delivery address.

const Base = {
  shipmentId: Type.String({ format: 'uuid' }),
  orderId: Type.String({ format: 'uuid' }),
  warehouseCode: Type.String(),
  carrier: Type.String(),
  trackingNumber: Type.Union([Type.String(), Type.Null()]),
};

/** `shipment.created` v1: a shipment (one per warehouse of an order) has its label. */
export const ShipmentCreatedV1 = Type.Object(
  {
    ...Base,
    methodCode: Type.String(),
    lines: Type.Array(Type.Object({ sku: Type.String(), quantity: Type.Integer({ minimum: 1 }) })),
  },
  { $id: 'ShipmentCreatedV1' },
);
export type ShipmentCreatedV1 = Static<typeof ShipmentCreatedV1>;

/** `shipment.dispatched` v1: the carrier has the parcel. */
export const ShipmentDispatchedV1 = Type.Object(
  { ...Base, dispatchedAt: Type.String({ format: 'date-time' }) },
  { $id: 'ShipmentDispatchedV1' },
);
export type ShipmentDispatchedV1 = Static<typeof ShipmentDispatchedV1>;

/** `shipment.delivered` v1: the carrier delivered the parcel. */
export const ShipmentDeliveredV1 = Type.Object(
  { ...Base, deliveredAt: Type.String({ format: 'date-time' }) },
  { $id: 'ShipmentDeliveredV1' },
);
export type ShipmentDeliveredV1 = Static<typeof ShipmentDeliveredV1>;

/** `shipment.exception` v1: the carrier reports a problem (address not found, damaged, …). */
export const ShipmentExceptionV1 = Type.Object(
  { ...Base, reason: Type.String(), occurredAt: Type.String({ format: 'date-time' }) },
  { $id: 'ShipmentExceptionV1' },
);
export type ShipmentExceptionV1 = Static<typeof ShipmentExceptionV1>;
