import { Nullable } from '@mercato/platform/http';
import { Type, type Static } from 'typebox';

const Code = Type.String({
  pattern: '^[a-z0-9][a-z0-9-]{0,49}$',
  description: 'lower case, digits and dashes',
});
const Country = Type.String({ pattern: '^[A-Z]{2}$' });
const Amount = Type.Integer({ minimum: 0, maximum: 100_000_000, description: 'minor units' });

export const RateBracketSchema = Type.Object(
  {
    upTo: Type.Union([Type.Integer({ minimum: 1, maximum: 2_000_000_000 }), Type.Null()], {
      description:
        'inclusive upper bound (grams or minor units of subtotal); null: no bound (the last bracket only)',
    }),
    amount: Amount,
  },
  { additionalProperties: false },
);

export const MethodSchema = Type.Object(
  {
    code: Type.String(),
    name: Type.String(),
    kind: Type.Union([Type.Literal('standard'), Type.Literal('express'), Type.Literal('pickup')]),
    rateBasis: Type.Union([Type.Literal('weight'), Type.Literal('subtotal')]),
    rates: Type.Array(RateBracketSchema),
    currency: Type.String(),
    freeOver: Type.Union([Type.Integer(), Type.Null()]),
    handlingDays: Type.Integer(),
    transitDays: Type.Object({ min: Type.Integer(), max: Type.Integer() }),
    active: Type.Boolean(),
    version: Type.Integer(),
  },
  { $id: 'ShippingMethod' },
);
export type Method = Static<typeof MethodSchema>;

export const ZoneSchema = Type.Object(
  {
    code: Type.String(),
    name: Type.String(),
    countries: Type.Array(Type.String()),
    active: Type.Boolean(),
    version: Type.Integer(),
    methods: Type.Array(MethodSchema),
  },
  { $id: 'ShippingZone' },
);
export type Zone = Static<typeof ZoneSchema>;

export const ZoneInputSchema = Type.Object(
  {
    code: Code,
    name: Type.String({ minLength: 1, maxLength: 100 }),
    countries: Type.Array(Country, { minItems: 1, maxItems: 250, uniqueItems: true }),
    active: Type.Optional(Type.Boolean()),
  },
  {
    additionalProperties: false,
    examples: [{ code: 'eu', name: 'European Union', countries: ['DE', 'FR', 'NL'] }],
  },
);
export type ZoneInput = Static<typeof ZoneInputSchema>;

export const ZoneUpdateSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    countries: Type.Array(Country, { minItems: 1, maxItems: 250, uniqueItems: true }),
    active: Type.Boolean(),
  },
  {
    additionalProperties: false,
    examples: [{ name: 'European Union', countries: ['DE', 'FR'], active: true }],
  },
);
export type ZoneUpdate = Static<typeof ZoneUpdateSchema>;

export const MethodInputSchema = Type.Object(
  {
    code: Code,
    name: Type.String({ minLength: 1, maxLength: 100 }),
    kind: Type.Union([Type.Literal('standard'), Type.Literal('express'), Type.Literal('pickup')]),
    rateBasis: Type.Union([Type.Literal('weight'), Type.Literal('subtotal')]),
    rates: Type.Array(RateBracketSchema, { minItems: 1, maxItems: 50 }),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    freeOver: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 2_000_000_000 }))),
    handlingDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 60 })),
    transitDays: Type.Object(
      { min: Type.Integer({ minimum: 0, maximum: 90 }), max: Type.Integer({ minimum: 0, maximum: 90 }) },
      { additionalProperties: false },
    ),
    active: Type.Optional(Type.Boolean()),
  },
  {
    additionalProperties: false,
    examples: [
      {
        code: 'standard',
        name: 'Standard',
        kind: 'standard',
        rateBasis: 'weight',
        rates: [
          { upTo: 2000, amount: 495 },
          { upTo: null, amount: 995 },
        ],
        currency: 'EUR',
        freeOver: 5000,
        transitDays: { min: 2, max: 4 },
      },
    ],
  },
);
export type MethodInput = Static<typeof MethodInputSchema>;
