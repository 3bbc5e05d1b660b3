import { Type, type Static } from 'typebox';
import { defineRoutes } from './http.ts';

// The routes of payment that other services call (the checkout saga authorizes, captures
// and voids; order refunds): their schemas live here so payment mounts them and callers'
// typed clients read them from one place.

const Currency = Type.String({ pattern: '^[A-Z]{3}$', examples: ['USD'] });

/** A positive amount of money in minor units (what a caller asks to authorize, capture or refund). */
export const PositiveMoneySchema = Type.Object(
  {
    amount: Type.Integer({ minimum: 1, maximum: 100_000_000_00, examples: [1999] }),
    currency: Currency,
  },
  { additionalProperties: false },
);

export const PaymentStatusSchema = Type.Union(
  [
    Type.Literal('requires_action'),
    Type.Literal('processing'),
    Type.Literal('authorized'),
    Type.Literal('partially_captured'),
    Type.Literal('captured'),
    Type.Literal('partially_refunded'),
    Type.Literal('refunded'),
    Type.Literal('voided'),
    Type.Literal('failed'),
  ],
  {
    description:
      'requires_action: the buyer must pass 3-D Secure (nextAction); processing: the provider confirms later; authorized: held, capture pending; partially_captured: captured in part with `final: false`, the rest still capturable; captured: charged (all or part of the authorization, the rest released); partially_refunded / refunded; voided: released uncharged; failed',
  },
);
export type PaymentStatus = Static<typeof PaymentStatusSchema>;

const Nullable = <T extends ReturnType<typeof Type.String>>(s: T) => Type.Union([s, Type.Null()]);

export const RiskSchema = Type.Object({
  score: Type.Integer({ minimum: 0, maximum: 100 }),
  decision: Type.Union([Type.Literal('allow'), Type.Literal('review'), Type.Literal('deny')]),
  reasons: Type.Array(Type.String(), { description: 'the rules that added to the score' }),
});

export const RefundSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    paymentId: Type.String({ format: 'uuid' }),
    amount: Type.Integer({ minimum: 1 }),
    currency: Currency,
    status: Type.Union([Type.Literal('succeeded'), Type.Literal('failed')]),
    reason: Nullable(Type.String()),
    providerReference: Nullable(Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
  },
  // No $id: it is embedded in Payment and again beside it in a refund's answer.
);
export type Refund = Static<typeof RefundSchema>;

/** A payment of an order or a checkout, with its amounts, card summary, risk and refunds. */
export const PaymentSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    orderId: Nullable(Type.String()),
    checkoutId: Nullable(Type.String()),
    customerId: Nullable(Type.String()),
    status: PaymentStatusSchema,
    amount: Type.Integer({ description: 'authorized (asked) amount, minor units' }),
    currency: Currency,
    capturedAmount: Type.Integer(),
    refundedAmount: Type.Integer(),
    provider: Type.String({ examples: ['simulator'] }),
    providerReference: Nullable(Type.String({ description: "the provider's payment intent id" })),
    card: Type.Union([
      Type.Object({
        brand: Type.String(),
        last4: Type.String(),
        expMonth: Type.Integer(),
        expYear: Type.Integer(),
        country: Nullable(Type.String()),
      }),
      Type.Null(),
    ]),
    savedMethodId: Nullable(Type.String({ description: 'the saved payment method used or created' })),
    nextAction: Type.Union([
      Type.Object({ type: Type.Literal('redirect'), url: Type.String() }),
      Type.Null(),
    ]),
    failure: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
    risk: RiskSchema,
    refunds: Type.Array(RefundSchema),
    version: Type.Integer(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Payment' },
);
export type Payment = Static<typeof PaymentSchema>;

export const CreatePaymentBody = Type.Object(
  {
    orderId: Type.Optional(Type.String({ format: 'uuid' })),
    checkoutId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    customerId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 320 })),
    amount: PositiveMoneySchema,
    paymentMethod: Type.Union([
      Type.Object(
        {
          token: Type.String({
            pattern: '^tok_[A-Za-z0-9]{8,64}$',
            description: "a single-use card token from the provider's tokenization endpoint",
          }),
          save: Type.Optional(
            Type.Boolean({ description: "keep the card as the customer's saved method (needs customerId)" }),
          ),
        },
        { additionalProperties: false },
      ),
      Type.Object({ savedMethodId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
    ]),
    returnUrl: Type.Optional(
      Type.String({
        format: 'uri',
        maxLength: 2000,
        description: 'where the 3-D Secure page sends the buyer back',
      }),
    ),
    billingCountry: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
    ipAddress: Type.Optional(Type.String({ maxLength: 45, description: "the buyer's IP (fraud velocity)" })),
    ipCountry: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
  },
  { additionalProperties: false },
);
export type CreatePaymentInput = Static<typeof CreatePaymentBody>;

export const CaptureBody = Type.Object(
  {
    amount: Type.Optional(PositiveMoneySchema),
    final: Type.Optional(
      Type.Boolean({
        description:
          'false: more captures may follow (up to the authorized amount); true or absent: the last one, the rest is released',
      }),
    ),
  },
  { additionalProperties: false, description: 'absent amount: all that is still capturable' },
);
export type CaptureInput = Static<typeof CaptureBody>;

export const RefundBody = Type.Object(
  {
    amount: Type.Optional(PositiveMoneySchema),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false, description: 'absent amount: all that is still refundable' },
);
export type RefundInput = Static<typeof RefundBody>;

export const RefundResultSchema = Type.Object({ refund: RefundSchema, payment: PaymentSchema });

export const PaymentQuery = Type.Object({
  orderId: Type.Optional(Type.String({ format: 'uuid' })),
  checkoutId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  status: Type.Optional(PaymentStatusSchema),
  page: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
});
export type PaymentFilter = Static<typeof PaymentQuery>;

const PaymentParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

const PaymentPage = Type.Object({
  items: Type.Array(PaymentSchema),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  totalCount: Type.Integer(),
  totalPages: Type.Integer(),
});

/** Payment's routes that other services call. Every POST takes an Idempotency-Key. */
export const paymentApi = defineRoutes({
  authorize: {
    method: 'POST',
    path: '/api/v1/payments',
    summary:
      'Authorize a payment for an order or checkout (Idempotency-Key required): 201 with status authorized, requires_action (follow nextAction), processing (a webhook decides) or failed (declined, denied by the fraud check)',
    body: CreatePaymentBody,
    response: { 201: PaymentSchema },
    errors: [400, 401, 403, 404, 409, 422, 503],
    idempotencyKey: 'required',
  },
  get: {
    method: 'GET',
    path: '/api/v1/payments/:id',
    summary: 'A payment with its refunds and risk decision',
    params: PaymentParams,
    response: { 200: PaymentSchema },
    errors: [400, 401, 403, 404],
  },
  list: {
    method: 'GET',
    path: '/api/v1/payments',
    summary: 'Payments, newest first, by order, checkout and status',
    querystring: PaymentQuery,
    response: { 200: PaymentPage },
    errors: [400, 401, 403],
  },
  capture: {
    method: 'POST',
    path: '/api/v1/payments/:id/capture',
    summary:
      'Capture all of an authorization or part of it: the rest is released, or stays capturable with `final: false` (several captures up to the authorized amount); a repeat with the same Idempotency-Key answers the first answer',
    params: PaymentParams,
    body: CaptureBody,
    response: { 200: PaymentSchema },
    errors: [400, 401, 403, 404, 409, 422, 503],
    idempotencyKey: 'required',
  },
  void: {
    method: 'POST',
    path: '/api/v1/payments/:id/void',
    summary:
      'Release an authorization that was not captured (the saga’s compensation); a voided payment answers as it is',
    params: PaymentParams,
    response: { 200: PaymentSchema },
    errors: [400, 401, 403, 404, 409, 422, 503],
    idempotencyKey: 'required',
  },
  refund: {
    method: 'POST',
    path: '/api/v1/payments/:id/refunds',
    summary:
      'Refund part or all of what was captured and not yet refunded; several refunds may follow each other, never more than captured',
    params: PaymentParams,
    body: RefundBody,
    response: { 201: RefundResultSchema },
    errors: [400, 401, 403, 404, 409, 422, 503],
    idempotencyKey: 'required',
  },
});
