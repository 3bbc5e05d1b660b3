import { Type, type Static } from 'typebox';

// Event data objects leave additionalProperties open (ARCHITECTURE.md §6): a newer producer
// may add optional fields and older readers must still accept its events.

const Money = Type.Object({
  amount: Type.Integer({ minimum: 0, description: 'minor units (cents)' }),
  currency: Type.String({ pattern: '^[A-Z]{3}$' }),
});

const ProductFields = {
  productId: Type.String({ format: 'uuid' }),
  handle: Type.String(),
  skus: Type.Array(Type.String(), { description: "the product's variant SKUs" }),
};

/** `product.created` v1 / `product.updated` v1 (subject = the product id). */
export const ProductChangedV1 = Type.Object(
  {
    ...ProductFields,
    title: Type.String(),
    status: Type.Union([Type.Literal('draft'), Type.Literal('active'), Type.Literal('archived')]),
    version: Type.Integer({ minimum: 1 }),
  },
  { $id: 'ProductChangedV1' },
);
export type ProductChangedV1 = Static<typeof ProductChangedV1>;

/** `product.deactivated` v1: the product was archived and left the store (subject = id). */
export const ProductDeactivatedV1 = Type.Object(
  { ...ProductFields, version: Type.Integer({ minimum: 1 }) },
  { $id: 'ProductDeactivatedV1' },
);
export type ProductDeactivatedV1 = Static<typeof ProductDeactivatedV1>;

/** `price.changed` v1: a variant's price changed (subject = the SKU). */
export const PriceChangedV1 = Type.Object(
  {
    productId: Type.String({ format: 'uuid' }),
    sku: Type.String(),
    oldPrice: Money,
    newPrice: Money,
  },
  { $id: 'PriceChangedV1' },
);
export type PriceChangedV1 = Static<typeof PriceChangedV1>;
