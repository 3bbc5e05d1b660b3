import { Int32, MoneyAmount, SafeNumber } from '@mercato/contracts';
import { Nullable } from '@mercato/platform/http';
import { Type, type Static } from 'typebox';
import { HANDLE_PATTERN } from '../request-meta.ts';

export const Money = Type.Object(
  {
    amount: MoneyAmount(),
    currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217' }),
  },
  { additionalProperties: false, examples: [{ amount: 1999, currency: 'USD' }] },
);
export type Money = Static<typeof Money>;

const Image = Type.Object(
  { url: Type.String({ minLength: 1, maxLength: 2000 }), alt: Type.String({ maxLength: 300, default: '' }) },
  { additionalProperties: false },
);
const Images = Type.Array(Image, { maxItems: 50, description: 'in display order' });
const AttributeValue = Type.Union([Type.String({ maxLength: 500 }), SafeNumber(), Type.Boolean()]);
const Attributes = Type.Record(Type.String({ pattern: '^[a-z][a-zA-Z0-9_]{0,63}$' }), AttributeValue, {
  description: 'typed attribute values (string, number or boolean), e.g. { material: "cotton" }',
  examples: [{ material: 'cotton', organic: true }],
});
const Options = Type.Record(Type.String({ minLength: 1, maxLength: 64 }), Type.String({ maxLength: 200 }), {
  description: 'variant options, e.g. { size: "M", colour: "red" }',
  examples: [{ size: 'M' }],
});
const Uuid = Type.String({ format: 'uuid' });
const Sku = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$', examples: ['OCT-M'] });

export const VariantSchema = Type.Object({
  id: Uuid,
  productId: Uuid,
  sku: Type.String(),
  options: Type.Record(Type.String(), Type.String()),
  price: Money,
  compareAtPrice: Type.Union([Money, Type.Null()]),
  weightGrams: Type.Union([Type.Integer(), Type.Null()]),
  barcode: Type.Union([Type.String(), Type.Null()]),
  position: Type.Integer(),
  version: Type.Integer({ minimum: 1 }),
});
export type Variant = Static<typeof VariantSchema>;

export const ProductStatus = Type.Union([
  Type.Literal('draft'),
  Type.Literal('active'),
  Type.Literal('archived'),
]);
export type ProductStatus = Static<typeof ProductStatus>;

export const ProductSchema = Type.Object({
  id: Uuid,
  handle: Type.String(),
  title: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  status: ProductStatus,
  brandId: Type.Union([Uuid, Type.Null()]),
  sellerId: Type.Union([Uuid, Type.Null()]),
  categoryIds: Type.Array(Uuid),
  attributes: Type.Record(Type.String(), AttributeValue),
  images: Type.Array(Type.Object({ url: Type.String(), alt: Type.String() })),
  variants: Type.Array(VariantSchema),
  price: Type.Union([Money, Type.Null()], { description: 'the lowest variant price' }),
  seoTitle: Type.Union([Type.String(), Type.Null()]),
  seoDescription: Type.Union([Type.String(), Type.Null()]),
  version: Type.Integer({ minimum: 1 }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type Product = Static<typeof ProductSchema>;

export const CreateVariantBody = Type.Object(
  {
    sku: Sku,
    options: Type.Optional(Options),
    price: Money,
    compareAtPrice: Type.Optional(Type.Union([Money, Type.Null()])),
    weightGrams: Type.Optional(Nullable(Int32())),
    barcode: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
    position: Type.Optional(Int32()),
  },
  { additionalProperties: false },
);
export type CreateVariantInput = Static<typeof CreateVariantBody>;

export const UpdateVariantBody = Type.Object(
  {
    sku: Type.Optional(Sku),
    options: Type.Optional(Options),
    price: Type.Optional(Money),
    compareAtPrice: Type.Optional(Type.Union([Money, Type.Null()])),
    weightGrams: Type.Optional(Nullable(Int32())),
    barcode: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
    position: Type.Optional(Int32()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateVariantInput = Static<typeof UpdateVariantBody>;

const Editable = {
  title: Type.String({ minLength: 1, maxLength: 300, examples: ['Organic cotton tee'] }),
  description: Nullable(Type.String({ maxLength: 20_000 })),
  brandId: Type.Union([Uuid, Type.Null()]),
  sellerId: Type.Union([Uuid, Type.Null()]),
  categoryIds: Type.Array(Uuid, { maxItems: 20, uniqueItems: true }),
  attributes: Attributes,
  images: Images,
  seoTitle: Nullable(Type.String({ maxLength: 200, description: 'the page title; default: the title' })),
  seoDescription: Nullable(
    Type.String({
      maxLength: 500,
      description: 'the meta description; default: the description cut to 160 characters',
    }),
  ),
};

/**
 * POST /products body. Without `variants`, one default variant is made from `price` and
 * `defaultSku` (the SKU defaults to the handle in upper case, e.g. "blue-mug" → "BLUE-MUG").
 */
export const CreateProductBody = Type.Object(
  {
    handle: Type.String({ pattern: HANDLE_PATTERN, examples: ['organic-cotton-tee'] }),
    title: Editable.title,
    description: Type.Optional(Editable.description),
    status: Type.Union([Type.Literal('draft'), Type.Literal('active')], { default: 'draft' }),
    brandId: Type.Optional(Editable.brandId),
    sellerId: Type.Optional(Editable.sellerId),
    categoryIds: Type.Optional(Editable.categoryIds),
    attributes: Type.Optional(Editable.attributes),
    images: Type.Optional(Editable.images),
    seoTitle: Type.Optional(Editable.seoTitle),
    seoDescription: Type.Optional(Editable.seoDescription),
    variants: Type.Optional(Type.Array(CreateVariantBody, { minItems: 1, maxItems: 100 })),
    price: Type.Optional(Money),
    defaultSku: Type.Optional(Sku),
  },
  { additionalProperties: false },
);
export type CreateProductInput = Static<typeof CreateProductBody>;

/** PATCH /products/:id body (archive and restore have their own routes). */
export const UpdateProductBody = Type.Object(
  {
    handle: Type.Optional(Type.String({ pattern: HANDLE_PATTERN, examples: ['organic-cotton-tee'] })),
    title: Type.Optional(Editable.title),
    description: Type.Optional(Editable.description),
    status: Type.Optional(Type.Union([Type.Literal('draft'), Type.Literal('active')])),
    brandId: Type.Optional(Editable.brandId),
    sellerId: Type.Optional(Editable.sellerId),
    categoryIds: Type.Optional(Editable.categoryIds),
    attributes: Type.Optional(Editable.attributes),
    images: Type.Optional(Editable.images),
    seoTitle: Type.Optional(Editable.seoTitle),
    seoDescription: Type.Optional(Editable.seoDescription),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateProductInput = Static<typeof UpdateProductBody>;
