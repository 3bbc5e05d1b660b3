import { Type, type Static } from 'typebox';

// The customer service's events. Data objects stay open so optional fields can be added
// compatibly (ARCHITECTURE.md §6). None carries a postal address or a phone number: those
// stay in the customer service, read through its internal route by those who need them.

const CustomerId = Type.String({ format: 'uuid', description: "the customer (= the identity user's id)" });

/** `customer.created` v1: a profile exists for a registered user (subject = customer id). */
export const CustomerCreatedV1 = Type.Object(
  {
    customerId: CustomerId,
    email: Type.String(),
    name: Type.Union([Type.String(), Type.Null()]),
    marketingConsent: Type.Boolean(),
  },
  { $id: 'CustomerCreatedV1' },
);
export type CustomerCreatedV1 = Static<typeof CustomerCreatedV1>;

/** `customer.updated` v1: the profile changed (or was anonymized on request). */
export const CustomerUpdatedV1 = Type.Object(
  {
    customerId: CustomerId,
    changed: Type.Array(Type.String(), { description: 'names of the fields that changed' }),
    marketingConsent: Type.Boolean(),
    locale: Type.Union([Type.String(), Type.Null()]),
    anonymized: Type.Boolean({ description: 'true once the personal data was erased on request' }),
    version: Type.Integer({ minimum: 1 }),
  },
  { $id: 'CustomerUpdatedV1' },
);
export type CustomerUpdatedV1 = Static<typeof CustomerUpdatedV1>;

/** `loyalty.points_changed` v1: points were earned, reverted or adjusted. */
export const LoyaltyPointsChangedV1 = Type.Object(
  {
    customerId: CustomerId,
    delta: Type.Integer({ description: 'points added (negative: taken away)' }),
    balance: Type.Integer({ description: 'the balance after the change' }),
    tier: Type.String(),
    reason: Type.String({ description: 'earned, reverted or adjusted' }),
    reference: Type.Union([Type.String(), Type.Null()], {
      description: 'the order id, when an order caused it',
    }),
  },
  { $id: 'LoyaltyPointsChangedV1' },
);
export type LoyaltyPointsChangedV1 = Static<typeof LoyaltyPointsChangedV1>;
