import { Type, type Static } from 'typebox';
import { defineRoutes, MoneySchema } from './http.ts';

// The catalog reads other services make (the cart's line snapshots and revalidation, the
// checkout's re-pricing): their schemas live here so catalog mounts them and callers' typed
// clients read them from one place.

/** One variant as a cart line needs it: what it is, what it costs now, where it belongs. */
export const VariantSnapshotSchema = Type.Object(
  {
    sku: Type.String(),
    variantId: Type.String({ format: 'uuid' }),
    productId: Type.String({ format: 'uuid' }),
    handle: Type.String(),
    title: Type.String({ description: "the product's title" }),
    options: Type.Record(Type.String(), Type.String(), { description: 'e.g. { size: "M" }' }),
    price: MoneySchema,
    compareAtPrice: Type.Union([MoneySchema, Type.Null()]),
    weightGrams: Type.Union([Type.Integer(), Type.Null()]),
    image: Type.Union([Type.String(), Type.Null()], { description: "the product's first image URL" }),
    brandId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
    brandHandle: Type.Union([Type.String(), Type.Null()]),
    categoryIds: Type.Array(Type.String({ format: 'uuid' }), { description: "the product's own categories" }),
    categoryHandles: Type.Array(Type.String(), {
      description:
        "handles of the product's categories and of all their ancestors (what promotions match on)",
    }),
    sellable: Type.Boolean({ description: 'false when the product is not active (draft or archived)' }),
  },
  { $id: 'VariantSnapshot' },
);
export type VariantSnapshot = Static<typeof VariantSnapshotSchema>;

export const VariantLookupBody = Type.Object(
  {
    skus: Type.Array(Type.String({ minLength: 1, maxLength: 64, pattern: '^\\S+$' }), {
      minItems: 1,
      maxItems: 200,
      uniqueItems: true,
    }),
  },
  { additionalProperties: false, examples: [{ skus: ['OCT-S', 'OCT-M'] }] },
);

export const VariantLookupResponse = Type.Object({
  items: Type.Array(VariantSnapshotSchema, { description: 'the known SKUs, in the order asked' }),
  missing: Type.Array(Type.String(), { description: 'SKUs no variant has' }),
});
export type VariantLookup = Static<typeof VariantLookupResponse>;

/** Catalog's routes that other services call. */
export const catalogApi = defineRoutes({
  lookupVariants: {
    method: 'POST',
    path: '/api/v1/variants/lookup',
    summary: 'Variants by SKU with their current price and product facts (public): many in one call',
    body: VariantLookupBody,
    response: { 200: VariantLookupResponse },
    errors: [400],
  },
});
