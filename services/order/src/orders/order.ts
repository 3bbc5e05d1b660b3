import {
  Int32,
  MoneyAmount,
  MoneySchema,
  OrderStatusSchema,
  PageQuery,
  type OrderAddress,
  type OrderStatus,
} from '@mercato/contracts';
import { Type, type Static } from 'typebox';

/** An order row as the use cases read it (money in minor units as numbers). */
export interface OrderRow {
  id: string;
  number: string;
  checkoutId: string;
  fingerprint: string;
  status: OrderStatus;
  customerId: string | null;
  email: string;
  currency: string;
  total: number;
  refundedTotal: number;
  paymentId: string | null;
  paidAt: Date | null;
  deliveredAt: Date | null;
  version: number;
}

export interface NewLine {
  lineNo: number;
  sku: string;
  title: string;
  quantity: number;
  unitPrice: number;
  discounts: Array<{ code: string | null; description: string | null; amount: number }>;
  discountTotal: number;
  tax: number;
  total: number;
}

export interface NewOrder {
  id: string;
  number: string;
  checkoutId: string;
  fingerprint: string;
  customerId: string | null;
  email: string;
  currency: string;
  shippingAddress: OrderAddress;
  billingAddress: OrderAddress | null;
  shippingMethod: { code: string; name: string };
  subtotal: number;
  discountTotal: number;
  shippingTotal: number;
  taxTotal: number;
  total: number;
  paymentId: string | null;
}

/** Who acts: a user (customer or staff) or a service, as the verified token says. */
export interface Actor {
  subject: string;
  kind: 'user' | 'service' | 'api_key' | 'anonymous';
  permissions: readonly string[];
}

const DateTime = Type.String({ format: 'date-time' });

/** An order in a list: enough to find it again. */
export const OrderSummarySchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  number: Type.String(),
  status: OrderStatusSchema,
  customerId: Type.Union([Type.String(), Type.Null()]),
  email: Type.String(),
  total: MoneySchema,
  refunded: MoneySchema,
  itemCount: Type.Integer(),
  createdAt: DateTime,
});

/** `GET /api/v1/orders`: a customer's own orders; staff (orders:read) search all of them. */
export const OrderListQuery = Type.Object({
  ...PageQuery,
  status: Type.Optional(OrderStatusSchema),
  number: Type.Optional(
    Type.String({ minLength: 1, maxLength: 40, description: 'staff: exact order number' }),
  ),
  email: Type.Optional(
    Type.String({ minLength: 1, maxLength: 320, description: 'staff: part of the email' }),
  ),
  customerId: Type.Optional(
    Type.String({ minLength: 1, maxLength: 100, description: 'staff: one customer' }),
  ),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'created at or after' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'created before' })),
  minTotal: Type.Optional(MoneyAmount({ description: 'total in minor units, at least' })),
  maxTotal: Type.Optional(MoneyAmount({ description: 'total in minor units, at most' })),
});
export type OrderListInput = Static<typeof OrderListQuery>;
export type OrderSearch = OrderListInput & { customerId?: string };

export const StatusChangeSchema = Type.Object({
  from: Type.Union([OrderStatusSchema, Type.Null()]),
  to: OrderStatusSchema,
  actor: Type.String(),
  reason: Type.Union([Type.String(), Type.Null()]),
  at: DateTime,
});

export const TransitionBody = Type.Object(
  {
    to: Type.Union(
      ['partially_fulfilled', 'fulfilled', 'shipped', 'delivered', 'completed'].map((s) => Type.Literal(s)),
      {
        description:
          'the fulfilment steps staff move an order through (cancel, returns and refunds have routes of their own)',
      },
    ),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    lines: Type.Optional(
      Type.Array(
        Type.Object(
          { lineNo: Int32({ minimum: 1 }), quantity: Int32({ minimum: 1 }) },
          { additionalProperties: false },
        ),
        { minItems: 1, maxItems: 200, description: 'partially_fulfilled: the units packed now' },
      ),
    ),
    shipmentId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    trackingNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);
export type TransitionInput = {
  to: 'partially_fulfilled' | 'fulfilled' | 'shipped' | 'delivered' | 'completed';
  reason?: string;
  lines?: Array<{ lineNo: number; quantity: number }>;
  shipmentId?: string;
  trackingNumber?: string;
};

export const GuestLookupBody = Type.Object(
  {
    number: Type.String({ minLength: 1, maxLength: 40 }),
    email: Type.String({ minLength: 3, maxLength: 320 }),
  },
  { additionalProperties: false },
);
