import { Type, type Static } from 'typebox';
import { defineRoutes, MoneySchema } from './http.ts';

// The shipping routes other services call (the cart's estimate, the checkout's quote and
// its shipment step): their schemas live here so shipping mounts them and callers' typed
// clients read them from one place.

const Country = Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' });
const Grams = Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'weight of one unit, grams' });

export const QuoteRequestSchema = Type.Object(
  {
    destination: Type.Object(
      { country: Country, postalCode: Type.Optional(Type.String({ maxLength: 16 })) },
      { additionalProperties: false },
    ),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    subtotal: Type.Integer({ minimum: 0, maximum: 2_000_000_000, description: 'the goods, minor units' }),
    lines: Type.Array(
      Type.Object(
        {
          sku: Type.String({ minLength: 1, maxLength: 64 }),
          quantity: Type.Integer({ minimum: 1, maximum: 999 }),
          weightGrams: Type.Union([Grams, Type.Null()], { description: 'null: unknown, counted as 0' }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 100 },
    ),
  },
  {
    additionalProperties: false,
    examples: [
      {
        destination: { country: 'DE', postalCode: '10117' },
        currency: 'EUR',
        subtotal: 4999,
        lines: [{ sku: 'OCT-M', quantity: 2, weightGrams: 350 }],
      },
    ],
  },
);
export type QuoteRequest = Static<typeof QuoteRequestSchema>;

export const ShippingOptionSchema = Type.Object(
  {
    methodCode: Type.String(),
    name: Type.String(),
    kind: Type.Union([Type.Literal('standard'), Type.Literal('express'), Type.Literal('pickup')]),
    price: MoneySchema,
    free: Type.Boolean({ description: "true when the order passed the method's free-shipping threshold" }),
    estimatedDays: Type.Object(
      { min: Type.Integer(), max: Type.Integer() },
      { description: 'handling plus transit' },
    ),
  },
  { $id: 'ShippingOption' },
);
export type ShippingOption = Static<typeof ShippingOptionSchema>;

export const QuoteSchema = Type.Object({
  zone: Type.Union([Type.String(), Type.Null()], {
    description: 'the zone that serves the destination; null: none',
  }),
  weightGrams: Type.Integer(),
  options: Type.Array(ShippingOptionSchema, { description: 'cheapest first' }),
});
export type Quote = Static<typeof QuoteSchema>;

const ShipmentLineSchema = Type.Object(
  {
    sku: Type.String({ minLength: 1, maxLength: 64 }),
    quantity: Type.Integer({ minimum: 1, maximum: 999 }),
    weightGrams: Type.Union([Grams, Type.Null()]),
  },
  { additionalProperties: false },
);

/** Where a shipment goes (the order's shipping address). */
export const ShipmentAddressSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    company: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
    line1: Type.String({ minLength: 1, maxLength: 200 }),
    line2: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
    city: Type.String({ minLength: 1, maxLength: 100 }),
    region: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
    postalCode: Type.Optional(Type.Union([Type.String({ maxLength: 16 }), Type.Null()])),
    country: Country,
    phone: Type.Optional(Type.Union([Type.String({ maxLength: 32 }), Type.Null()])),
  },
  { additionalProperties: false },
);

export const CreateShipmentsSchema = Type.Object(
  {
    orderId: Type.String({ format: 'uuid' }),
    reference: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'e.g. the checkout id' }),
    ),
    methodCode: Type.String({ minLength: 1, maxLength: 50 }),
    address: ShipmentAddressSchema,
    parcels: Type.Array(
      Type.Object(
        {
          warehouseCode: Type.String({ minLength: 1, maxLength: 50 }),
          lines: Type.Array(ShipmentLineSchema, { minItems: 1, maxItems: 100 }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 20, description: "one per warehouse of the order's reservation" },
    ),
  },
  {
    additionalProperties: false,
    examples: [
      {
        orderId: '0190a000-0000-7000-8000-000000000001',
        methodCode: 'standard',
        address: {
          name: 'Ada Lovelace',
          line1: 'Unter den Linden 1',
          city: 'Berlin',
          postalCode: '10117',
          country: 'DE',
        },
        parcels: [{ warehouseCode: 'main', lines: [{ sku: 'OCT-M', quantity: 1, weightGrams: 350 }] }],
      },
    ],
  },
);
export type CreateShipments = Static<typeof CreateShipmentsSchema>;

export const ShipmentSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    orderId: Type.String({ format: 'uuid' }),
    reference: Type.Union([Type.String(), Type.Null()]),
    warehouseCode: Type.String(),
    methodCode: Type.String(),
    carrier: Type.String(),
    trackingNumber: Type.Union([Type.String(), Type.Null()]),
    labelUrl: Type.Union([Type.String(), Type.Null()]),
    status: Type.Union([
      Type.Literal('pending'),
      Type.Literal('label_created'),
      Type.Literal('dispatched'),
      Type.Literal('in_transit'),
      Type.Literal('out_for_delivery'),
      Type.Literal('delivered'),
      Type.Literal('exception'),
      Type.Literal('cancelled'),
    ]),
    address: ShipmentAddressSchema,
    lines: Type.Array(ShipmentLineSchema),
    dispatchedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    deliveredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    version: Type.Integer(),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Shipment' },
);
export type Shipment = Static<typeof ShipmentSchema>;

/** Shipping's routes that other services call. */
export const shippingApi = defineRoutes({
  quote: {
    method: 'POST',
    path: '/api/v1/shipping/quotes',
    summary: 'The shipping methods for a destination and a basket, with price and delivery estimate (public)',
    body: QuoteRequestSchema,
    response: { 200: QuoteSchema },
    errors: [400],
  },
  createShipments: {
    method: 'POST',
    path: '/api/v1/shipping/shipments',
    summary:
      "An order's shipments, one per warehouse, each with a carrier label (shipping:write; idempotent by order and warehouse)",
    body: CreateShipmentsSchema,
    response: { 201: Type.Object({ items: Type.Array(ShipmentSchema) }) },
    errors: [400, 401, 403, 409, 422, 503],
  },
  listShipments: {
    method: 'GET',
    path: '/api/v1/shipping/shipments',
    summary: "An order's shipments (orders:read or shipping:write)",
    querystring: Type.Object({ orderId: Type.String({ format: 'uuid' }) }),
    response: { 200: Type.Object({ items: Type.Array(ShipmentSchema) }) },
    errors: [400, 401, 403],
  },
  cancelShipment: {
    method: 'POST',
    path: '/api/v1/shipping/shipments/:id/cancel',
    summary:
      'Cancel before dispatch, voiding the label (again: no change); the checkout saga’s compensation (shipping:write)',
    params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
    response: { 200: ShipmentSchema },
    errors: [400, 401, 403, 404, 409, 503],
  },
});
