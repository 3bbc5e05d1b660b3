import { Nullable } from '@mercato/platform/http';
import { Type, type Static } from 'typebox';

export { AddressSchema, type Address } from '@mercato/contracts';

/** At most this many addresses per customer. */
export const ADDRESS_BOOK_LIMIT = 20;

const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength });

/** A new or replaced address (PUT replaces all fields). */
export const AddressInputSchema = Type.Object(
  {
    label: Type.Optional(Nullable(Text(50))),
    name: Text(200),
    company: Type.Optional(Nullable(Text(200))),
    line1: Text(200),
    line2: Type.Optional(Nullable(Text(200))),
    city: Text(100),
    region: Type.Optional(Nullable(Text(100))),
    postalCode: Type.Optional(Nullable(Type.String({ maxLength: 16 }))),
    country: Type.String({ minLength: 2, maxLength: 2, description: 'ISO 3166-1 alpha-2, upper case' }),
    phone: Type.Optional(Nullable(Type.String({ minLength: 3, maxLength: 32 }))),
    defaultShipping: Type.Optional(
      Type.Boolean({ description: 'default: true for the first address, else false' }),
    ),
    defaultBilling: Type.Optional(
      Type.Boolean({ description: 'default: true for the first address, else false' }),
    ),
  },
  {
    additionalProperties: false,
    examples: [
      {
        name: 'Ada Lovelace',
        line1: '12 St James Square',
        city: 'London',
        postalCode: 'SW1Y 4JH',
        country: 'GB',
        defaultShipping: true,
      },
    ],
  },
);
export type AddressInput = Static<typeof AddressInputSchema>;
