import { Type, type Static } from 'typebox';

/** A saved card as the customer sees it: no number, no CVC, only what a receipt shows. */
export const PaymentMethodSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    brand: Type.String({ examples: ['visa'] }),
    last4: Type.String({ examples: ['4242'] }),
    expMonth: Type.Integer(),
    expYear: Type.Integer(),
    country: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'PaymentMethod' },
);
export type PaymentMethod = Static<typeof PaymentMethodSchema>;

export const SaveMethodBody = Type.Object(
  {
    token: Type.String({
      pattern: '^tok_[A-Za-z0-9]{8,64}$',
      description: "a single-use card token from the provider's tokenization endpoint",
    }),
  },
  { additionalProperties: false },
);
export type SaveMethodInput = Static<typeof SaveMethodBody>;
