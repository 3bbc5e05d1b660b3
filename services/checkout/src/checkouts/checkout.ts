import { DiscountCodeSchema, OrderAddressSchema, type OrderAddress } from '@mercato/contracts';
import { MoneySchema } from '@mercato/platform/http';
import { Type, type Static } from 'typebox';

const Uuid = Type.String({ format: 'uuid' });

const PaymentInput = Type.Union(
  [
    Type.Object(
      {
        token: Type.String({
          pattern: '^tok_[A-Za-z0-9]{8,64}$',
          description: "a single-use card token from the provider's tokenization endpoint",
        }),
        save: Type.Optional(Type.Boolean({ description: 'keep the card for later (signed-in customers)' })),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      { savedMethodId: Type.String({ format: 'uuid', description: 'one of your saved cards' }) },
      { additionalProperties: false },
    ),
  ],
  { description: 'a card token (from the PSP) or a saved card of a signed-in customer' },
);

/** `POST /api/v1/checkout` (Idempotency-Key required). */
export const StartCheckoutBody = Type.Object(
  {
    cartId: Uuid,
    email: Type.Optional(
      Type.String({
        format: 'email',
        maxLength: 320,
        description: "required for guests; a signed-in customer's account email otherwise",
      }),
    ),
    shippingAddress: Type.Optional(OrderAddressSchema),
    shippingAddressId: Type.Optional(
      Type.String({ format: 'uuid', description: 'a saved address (signed in)' }),
    ),
    billingAddress: Type.Optional(OrderAddressSchema),
    billingAddressId: Type.Optional(
      Type.String({ format: 'uuid', description: 'a saved address (signed in)' }),
    ),
    shippingMethod: Type.String({
      minLength: 1,
      maxLength: 50,
      description: 'a method code from POST /api/v1/shipping/quotes for this address',
      examples: ['standard'],
    }),
    payment: PaymentInput,
    discountCodes: Type.Optional(
      Type.Array(DiscountCodeSchema, {
        maxItems: 10,
        description: 'codes to apply besides those already entered in the cart',
      }),
    ),
    returnUrl: Type.Optional(
      Type.String({
        format: 'uri',
        maxLength: 2000,
        description: 'where the 3-D Secure page sends the buyer back',
      }),
    ),
  },
  {
    additionalProperties: false,
    examples: [
      {
        cartId: '0193a1b2-7c4d-7e8f-9a0b-1c2d3e4f5a6b',
        email: 'ada@example.com',
        shippingAddress: {
          name: 'Ada Lovelace',
          line1: '1 Main St',
          city: 'Springfield',
          postalCode: '12345',
          country: 'US',
        },
        shippingMethod: 'standard',
        payment: { token: 'tok_4x9Qm2Lr8TzK' },
      },
    ],
  },
);
export type StartCheckoutInput = Static<typeof StartCheckoutBody>;

export const CheckoutParams = Type.Object({ id: Uuid });

const StatusSchema = Type.Union(
  [
    Type.Literal('processing'),
    Type.Literal('requires_action'),
    Type.Literal('compensating'),
    Type.Literal('confirmed'),
    Type.Literal('failed'),
    Type.Literal('stuck'),
  ],
  {
    description:
      'processing: steps running; requires_action: the buyer must pass 3-D Secure at nextAction.url; compensating: a step failed and earlier ones are being undone; confirmed: the order is confirmed (final); failed: every earlier effect undone (final, see failure); stuck: an undo keeps failing, an operator looks',
  },
);
export type CheckoutStatus = Static<typeof StatusSchema>;

const StepEntry = Type.Object({
  step: Type.String(),
  phase: Type.Union([Type.Literal('action'), Type.Literal('compensation'), Type.Literal('saga')]),
  outcome: Type.String({
    description: 'started, done, retry, waiting, failed, timeout, completed, compensated, stuck…',
  }),
  attempt: Type.Integer(),
  error: Type.Union([Type.String(), Type.Null()]),
  durationMs: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
});

/** A checkout as its buyer (and an admin) reads it. */
export const CheckoutSchema = Type.Object(
  {
    checkoutId: Type.String({ format: 'uuid' }),
    status: StatusSchema,
    cartId: Type.String(),
    customerId: Type.Union([Type.String(), Type.Null()]),
    currentStep: Type.Union([Type.String(), Type.Null()]),
    failure: Type.Union([
      Type.Object({
        code: Type.String({ description: 'OUT_OF_STOCK, PAYMENT_DECLINED, PRICE_CHANGED… (docs/errors.md)' }),
        message: Type.String(),
        step: Type.String(),
        detail: Type.Optional(Type.Unknown()),
      }),
      Type.Null(),
    ]),
    nextAction: Type.Union([
      Type.Object({ type: Type.Literal('redirect'), url: Type.String() }),
      Type.Null(),
    ]),
    order: Type.Union([Type.Object({ id: Type.String(), number: Type.String() }), Type.Null()], {
      description:
        'the order once step 4 made it: pending while the checkout runs, confirmed with it, cancelled when it failed',
    }),
    paymentId: Type.Union([Type.String(), Type.Null()]),
    total: Type.Union([MoneySchema, Type.Null()]),
    steps: Type.Array(StepEntry, { description: 'the timeline, oldest first' }),
    deadlineAt: Type.String({ format: 'date-time' }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Checkout' },
);
export type CheckoutView = Static<typeof CheckoutSchema>;

/** A money amount in minor units. */
export interface Money {
  amount: number;
  currency: string;
}

/** What the saga is started with: everything checked up front, nothing that can change. */
export interface CheckoutInput {
  checkoutId: string;
  cartId: string;
  customerId: string | null;
  email: string;
  currency: string;
  shippingAddress: OrderAddress;
  billingAddress: OrderAddress | null;
  shippingMethod: { code: string; name: string; price: Money };
  payment: { token: string; save?: boolean } | { savedMethodId: string };
  codes: string[];
  returnUrl: string | null;
  ipAddress: string | null;
  correlationId: string;
}

/** The saga's type name. */
export const CHECKOUT_SAGA = 'checkout';
