import { Type, type Static } from 'typebox';
import { MoneySchema } from './http.ts';

// Event data objects leave additionalProperties open (ARCHITECTURE.md §6). Every order event
// names the order (subject = the order id) with its readable number and owner, so a consumer
// (notifications, analytics) needs no call back to order for the common case.

const Id = Type.String({ format: 'uuid' });
const OrderRef = {
  orderId: Id,
  orderNumber: Type.String({ description: 'the readable number, e.g. MC-0000042' }),
  customerId: Type.Union([Type.String(), Type.Null()], { description: 'null for a guest order' }),
};
const LineRef = Type.Object({ sku: Type.String(), quantity: Type.Integer({ minimum: 1 }) });

/** `order.created` v1: the checkout saga created a pending order (it may still be rolled back). */
export const OrderCreatedV1 = Type.Object(
  {
    ...OrderRef,
    checkoutId: Type.String(),
    total: MoneySchema,
    lines: Type.Array(
      Type.Object({ sku: Type.String(), quantity: Type.Integer({ minimum: 1 }), unitPrice: MoneySchema }),
    ),
  },
  { $id: 'OrderCreatedV1' },
);
export type OrderCreatedV1 = Static<typeof OrderCreatedV1>;

/** `order.confirmed` v1: past the saga's point of no return (payment captured, stock committed). */
export const OrderConfirmedV1 = Type.Object(
  {
    ...OrderRef,
    checkoutId: Type.String(),
    email: Type.String({ description: "the customer's or guest's email (for the confirmation message)" }),
    total: MoneySchema,
    lines: Type.Array(LineRef),
  },
  { $id: 'OrderConfirmedV1' },
);
export type OrderConfirmedV1 = Static<typeof OrderConfirmedV1>;

/** `order.cancelled` v1: cancelled before shipment; `refundDue` is what was paid and goes back. */
export const OrderCancelledV1 = Type.Object(
  {
    ...OrderRef,
    previousStatus: Type.String(),
    reason: Type.String(),
    cancelledBy: Type.String(),
    refundDue: MoneySchema,
    lines: Type.Array(LineRef, { description: 'what the order held (stock to give back)' }),
  },
  { $id: 'OrderCancelledV1' },
);
export type OrderCancelledV1 = Static<typeof OrderCancelledV1>;

/** `order.paid` v1: the payment was captured. */
export const OrderPaidV1 = Type.Object(
  {
    ...OrderRef,
    paymentId: Type.Union([Type.String(), Type.Null()]),
    amount: MoneySchema,
  },
  { $id: 'OrderPaidV1' },
);
export type OrderPaidV1 = Static<typeof OrderPaidV1>;

/** `order.shipped` v1: the order left the warehouse. */
export const OrderShippedV1 = Type.Object(
  {
    ...OrderRef,
    shipmentId: Type.Union([Type.String(), Type.Null()]),
    trackingNumber: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'OrderShippedV1' },
);
export type OrderShippedV1 = Static<typeof OrderShippedV1>;

/** `order.delivered` v1: the carrier delivered it; the return window starts at `deliveredAt`. */
export const OrderDeliveredV1 = Type.Object(
  { ...OrderRef, deliveredAt: Type.String({ format: 'date-time' }) },
  { $id: 'OrderDeliveredV1' },
);
export type OrderDeliveredV1 = Static<typeof OrderDeliveredV1>;

/** `order.completed` v1: nothing more is expected of the order. */
export const OrderCompletedV1 = Type.Object({ ...OrderRef }, { $id: 'OrderCompletedV1' });
export type OrderCompletedV1 = Static<typeof OrderCompletedV1>;

/** `order.refunded` v1: money went (or is going) back; `full` when the whole paid amount is refunded. */
export const OrderRefundedV1 = Type.Object(
  {
    ...OrderRef,
    refundId: Id,
    amount: MoneySchema,
    refundedTotal: MoneySchema,
    full: Type.Boolean(),
    lines: Type.Array(LineRef, { description: 'the lines refunded, when the refund named lines' }),
    reason: Type.String(),
  },
  { $id: 'OrderRefundedV1' },
);
export type OrderRefundedV1 = Static<typeof OrderRefundedV1>;

/** `order.return_requested` v1: the customer asked to return delivered lines. */
export const OrderReturnRequestedV1 = Type.Object(
  { ...OrderRef, returnId: Id, lines: Type.Array(LineRef), reason: Type.String() },
  { $id: 'OrderReturnRequestedV1' },
);
export type OrderReturnRequestedV1 = Static<typeof OrderReturnRequestedV1>;
