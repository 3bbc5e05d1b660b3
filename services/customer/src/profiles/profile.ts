import { Nullable } from '@mercato/platform/http';
import { Type, type Static } from 'typebox';

const DateTime = Type.String({ format: 'date-time' });

/** A customer profile as the API returns it. */
export const CustomerSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid', description: "the identity user's id" }),
    email: Type.Union([Type.String(), Type.Null()]),
    name: Type.Union([Type.String(), Type.Null()]),
    phone: Type.Union([Type.String(), Type.Null()], { description: 'E.164' }),
    locale: Type.Union([Type.String(), Type.Null()], { description: 'BCP 47, e.g. en-GB' }),
    marketingConsent: Type.Object({
      granted: Type.Boolean(),
      changedAt: Type.Union([DateTime, Type.Null()]),
      source: Type.Union([Type.String(), Type.Null()], { description: 'where it was given or withdrawn' }),
    }),
    loyalty: Type.Object({ points: Type.Integer(), tier: Type.String() }),
    anonymized: Type.Boolean(),
    version: Type.Integer({ minimum: 1 }),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'Customer' },
);
export type Customer = Static<typeof CustomerSchema>;

/** What a customer may change of their profile (PATCH: only the fields sent change; null clears). */
export const ProfilePatchSchema = Type.Object(
  {
    name: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 200 }))),
    phone: Type.Optional(Nullable(Type.String({ minLength: 3, maxLength: 32 }))),
    locale: Type.Optional(Nullable(Type.String({ pattern: '^[a-z]{2,3}(-[A-Z]{2})?$' }))),
    marketingConsent: Type.Optional(Type.Boolean()),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    examples: [{ name: 'Ada Lovelace', locale: 'en-GB', marketingConsent: true }],
  },
);
export type ProfilePatch = Static<typeof ProfilePatchSchema>;

/** Who changes a profile, and through what (recorded as the consent's source). */
export interface ChangeMeta {
  actor: string;
  source: string;
}
