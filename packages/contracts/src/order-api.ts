import { Type, type Static } from 'typebox';
import { defineRoutes, MoneyAmount, MoneySchema } from './http.ts';

// The order routes the checkout saga calls (create, attach the payment, confirm, cancel as
// compensation, read): their schemas live here so order mounts them and the saga's typed
// client reads them from one place. The customers' and staff's routes are order's own.

/** Where an order stands. */
export const OrderStatusSchema = Type.Union(
  [
    Type.Literal('pending'),
    Type.Literal('confirmed'),
    Type.Literal('paid'),
    Type.Literal('partially_fulfilled'),
    Type.Literal('fulfilled'),
    Type.Literal('shipped'),
    Type.Literal('delivered'),
    Type.Literal('completed'),
    Type.Literal('cancelled'),
    Type.Literal('return_requested'),
    Type.Literal('returned'),
    Type.Literal('refunded'),
  ],
  { description: 'where the order stands' },
);
export type OrderStatus = Static<typeof OrderStatusSchema>;

const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength });
const Currency = Type.String({ pattern: '^[A-Z]{3}$', examples: ['USD'] });

/** A postal address as an order keeps it (a snapshot: later profile changes do not touch it). */
export const OrderAddressSchema = Type.Object(
  {
    name: Text(200),
    company: Type.Optional(Type.String({ maxLength: 200 })),
    line1: Text(200),
    line2: Type.Optional(Type.String({ maxLength: 200 })),
    city: Text(100),
    postalCode: Type.Optional(
      Type.String({ maxLength: 20, description: 'absent where the country has none' }),
    ),
    region: Type.Optional(Type.String({ maxLength: 100 })),
    country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2', examples: ['US'] }),
    phone: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
);
export type OrderAddress = Static<typeof OrderAddressSchema>;

const DiscountInput = Type.Object(
  {
    code: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    description: Type.Optional(Type.String({ maxLength: 200 })),
    amount: MoneyAmount({ minimum: 1, description: 'minor units taken off this line (all its units)' }),
  },
  { additionalProperties: false },
);

const LineInput = Type.Object(
  {
    sku: Type.String({ minLength: 1, maxLength: 100, pattern: '^\\S+$' }),
    title: Text(300),
    quantity: Type.Integer({ minimum: 1, maximum: 10_000 }),
    unitPrice: MoneySchema,
    discounts: Type.Optional(
      Type.Array(DiscountInput, { maxItems: 20, description: 'allocated to this line' }),
    ),
    tax: Type.Optional(MoneySchema),
  },
  { additionalProperties: false },
);

/** What the checkout saga sends to create an order (step 4 of ARCHITECTURE.md §7). */
export const CreateOrderBody = Type.Object(
  {
    checkoutId: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'one order per checkout: a repeat answers the order already made (200)',
    }),
    customerId: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'absent for a guest' }),
    ),
    email: Type.String({ format: 'email', maxLength: 320 }),
    currency: Currency,
    lines: Type.Array(LineInput, { minItems: 1, maxItems: 200 }),
    shippingAddress: OrderAddressSchema,
    billingAddress: Type.Optional(OrderAddressSchema),
    shippingMethod: Type.Object(
      { code: Text(64), name: Text(200), cost: MoneySchema },
      { additionalProperties: false },
    ),
    paymentId: Type.Optional(Text(100)),
    expectedTotal: Type.Optional(MoneySchema),
  },
  { additionalProperties: false },
);
export type CreateOrderInput = Static<typeof CreateOrderBody>;

const OrderLineSchema = Type.Object({
  lineNo: Type.Integer({ minimum: 1 }),
  sku: Type.String(),
  title: Type.String(),
  quantity: Type.Integer(),
  unitPrice: MoneySchema,
  discounts: Type.Array(
    Type.Object({
      code: Type.Union([Type.String(), Type.Null()]),
      description: Type.Union([Type.String(), Type.Null()]),
      amount: Type.Integer(),
    }),
  ),
  discountTotal: MoneySchema,
  tax: MoneySchema,
  total: MoneySchema,
  fulfilledQuantity: Type.Integer(),
  returnedQuantity: Type.Integer({ description: 'asked back in return requests' }),
  refunded: MoneySchema,
});

const RefundSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  amount: MoneySchema,
  lines: Type.Array(Type.Object({ lineNo: Type.Integer(), quantity: Type.Integer() })),
  reason: Type.String(),
  status: Type.Union([Type.Literal('requested'), Type.Literal('succeeded'), Type.Literal('failed')], {
    description: 'requested: recorded (and sent to payment when it can be); succeeded/failed: payment said',
  }),
  paymentRefundId: Type.Union([Type.String(), Type.Null()]),
  requestedBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});

const ReturnSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  status: Type.Union([Type.Literal('requested'), Type.Literal('received')]),
  lines: Type.Array(Type.Object({ lineNo: Type.Integer(), sku: Type.String(), quantity: Type.Integer() })),
  reason: Type.String(),
  requestedBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  receivedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

/** An order as its owner and the staff read it. */
export const OrderSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    number: Type.String({ description: 'readable and unique, e.g. MC-0000042' }),
    checkoutId: Type.String(),
    status: OrderStatusSchema,
    customerId: Type.Union([Type.String(), Type.Null()]),
    email: Type.String(),
    guest: Type.Boolean(),
    currency: Type.String(),
    lines: Type.Array(OrderLineSchema),
    shippingAddress: OrderAddressSchema,
    billingAddress: Type.Union([OrderAddressSchema, Type.Null()]),
    shippingMethod: Type.Object({ code: Type.String(), name: Type.String() }),
    totals: Type.Object({
      subtotal: MoneySchema,
      discount: MoneySchema,
      shipping: MoneySchema,
      tax: MoneySchema,
      total: MoneySchema,
      refunded: MoneySchema,
    }),
    refundStatus: Type.Union([Type.Literal('none'), Type.Literal('partial'), Type.Literal('full')]),
    paymentId: Type.Union([Type.String(), Type.Null()]),
    refunds: Type.Array(RefundSchema),
    returns: Type.Array(ReturnSchema),
    deliveredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    version: Type.Integer(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Order' },
);
export type Order = Static<typeof OrderSchema>;

const OrderParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const AttachPaymentBody = Type.Object({ paymentId: Text(100) }, { additionalProperties: false });
export const ConfirmOrderBody = Type.Object(
  { paymentId: Type.Optional(Text(100)) },
  { additionalProperties: false },
);
export const CancelOrderBody = Type.Object(
  { reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) },
  { additionalProperties: false },
);

/** Order's routes that other services (the checkout saga) call. */
export const orderApi = defineRoutes({
  create: {
    method: 'POST',
    path: '/api/v1/orders',
    summary:
      'Create a pending order for a checkout (service credentials with orders:write); a repeat for the same checkout answers 200 with the same order',
    body: CreateOrderBody,
    response: { 201: OrderSchema, 200: OrderSchema },
    errors: [400, 401, 403, 409, 422],
    idempotencyKey: 'optional',
  },
  get: {
    method: 'GET',
    path: '/api/v1/orders/:id',
    summary: 'An order (its owner, staff with orders:read, or a service)',
    params: OrderParams,
    response: { 200: OrderSchema },
    errors: [400, 401, 404],
  },
  invoicePdf: {
    method: 'GET',
    path: '/api/v1/orders/:id/invoice.pdf',
    summary:
      "The order's invoice (application/pdf): its owner, staff with orders:read, or a service (notification attaches it to the confirmation)",
    params: OrderParams,
    // The typed client hands a binary answer over as its bytes (the kit's service client).
    response: {
      200: Type.Unsafe<Uint8Array>({
        type: 'string',
        contentEncoding: 'binary',
        contentMediaType: 'application/pdf',
        description: 'the PDF',
      }),
    },
    errors: [400, 401, 404, 503],
  },
  attachPayment: {
    method: 'POST',
    path: '/api/v1/orders/:id/payment',
    summary: "Record the order's payment id (service credentials); the same id again is a no-op",
    params: OrderParams,
    body: AttachPaymentBody,
    response: { 200: OrderSchema },
    errors: [400, 401, 403, 404, 409],
  },
  confirm: {
    method: 'POST',
    path: '/api/v1/orders/:id/confirm',
    summary: 'pending → confirmed (the saga’s last step; a repeat answers the order as it is)',
    params: OrderParams,
    body: ConfirmOrderBody,
    response: { 200: OrderSchema },
    errors: [400, 401, 403, 404, 409],
  },
  cancel: {
    method: 'POST',
    path: '/api/v1/orders/:id/cancel',
    summary:
      'Cancel before shipment (the owner while pending, confirmed or paid; staff until shipped; the saga’s compensation); a repeat answers the cancelled order',
    params: OrderParams,
    body: CancelOrderBody,
    response: { 200: OrderSchema },
    errors: [400, 401, 403, 404, 409],
  },
});
