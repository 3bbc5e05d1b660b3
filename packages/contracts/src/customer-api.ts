import { Type, type Static } from 'typebox';
import { defineRoutes } from './http.ts';

// The customer reads other services make (the checkout saga resolving a saved address id,
// the cart estimating shipping): their schemas live here so the customer service mounts them
// and callers' typed clients read them from one place.

/** A postal address as the address book keeps it (country: ISO 3166-1 alpha-2). */
export const AddressSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    label: Type.Union([Type.String(), Type.Null()], { description: 'e.g. "Home"' }),
    name: Type.String({ description: 'the recipient' }),
    company: Type.Union([Type.String(), Type.Null()]),
    line1: Type.String(),
    line2: Type.Union([Type.String(), Type.Null()]),
    city: Type.String(),
    region: Type.Union([Type.String(), Type.Null()], { description: 'state, province or county' }),
    postalCode: Type.Union([Type.String(), Type.Null()], {
      description: 'normalized (upper case); null only where the country has no postal codes',
    }),
    country: Type.String({ pattern: '^[A-Z]{2}$' }),
    phone: Type.Union([Type.String(), Type.Null()], { description: 'E.164' }),
    defaultShipping: Type.Boolean(),
    defaultBilling: Type.Boolean(),
  },
  { $id: 'Address' },
);
export type Address = Static<typeof AddressSchema>;

const AddressParams = Type.Object({
  customerId: Type.String({ format: 'uuid' }),
  addressId: Type.String({ format: 'uuid' }),
});

/** Customer's routes that other services call (with a token holding customers:read). */
export const customerApi = defineRoutes({
  getAddress: {
    method: 'GET',
    path: '/api/v1/customers/:customerId/addresses/:addressId',
    summary: "One of a customer's saved addresses (customers:read: support, admins, the checkout)",
    params: AddressParams,
    response: { 200: AddressSchema },
    errors: [400, 401, 403, 404],
  },
});
