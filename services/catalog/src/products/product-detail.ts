import { Type, type Static } from 'typebox';
import { Money, ProductSchema, VariantSchema, type Product, type Variant } from './product.ts';

// The store's product read: the product and what a shop page renders with it (brand,
// breadcrumbs, options, price ranges, availability per variant, SEO, rating), one call.

/** How much of a SKU's stock the store shows: `exact` quantities, or `bucketed` levels only. */
export type StockDisplay = 'exact' | 'bucketed';

const Ref = Type.Object({ id: Type.String(), handle: Type.String(), name: Type.String() });
export type Ref = Static<typeof Ref>;

export const Availability = Type.Object({
  availableForSale: Type.Boolean({ description: 'stock available, or backorders taken' }),
  level: Type.Union(
    [
      Type.Literal('in_stock'),
      Type.Literal('low_stock'),
      Type.Literal('backorder'),
      Type.Literal('out_of_stock'),
    ],
    {
      description:
        'low_stock: at most CATALOG_LOW_STOCK_THRESHOLD units; a SKU inventory never reported is out_of_stock',
    },
  ),
  quantity: Type.Union([Type.Integer(), Type.Null()], {
    description: 'units available when CATALOG_STOCK_DISPLAY=exact; null when bucketed',
  }),
});
export type Availability = Static<typeof Availability>;

const Range = Type.Object({ min: Money, max: Money });
type Range = Static<typeof Range>;

export const ProductDetailSchema = Type.Object({
  ...ProductSchema.properties,
  variants: Type.Array(Type.Object({ ...VariantSchema.properties, availability: Availability })),
  availableForSale: Type.Boolean({ description: 'some variant is' }),
  brand: Type.Union([Ref, Type.Null()]),
  breadcrumbs: Type.Array(Ref, { description: 'from the root to the deepest category of the product' }),
  options: Type.Array(Type.Object({ name: Type.String(), values: Type.Array(Type.String()) }), {
    description: "option names and values in the variants' order, e.g. size: S, M, L",
  }),
  variantByOptions: Type.Record(Type.String(), Type.String(), {
    description:
      'variant id per combination: the option values in `options` order joined by \' / \' ("M / Red")',
  }),
  priceRange: Type.Union([Range, Type.Null()]),
  compareAtPriceRange: Type.Union([Range, Type.Null()], { description: 'over the variants that have one' }),
  rating: Type.Object({ average: Type.Number(), count: Type.Integer() }),
  seo: Type.Object({
    title: Type.String({ description: 'seoTitle, else the title' }),
    description: Type.String({ description: 'seoDescription, else the description cut to 160 characters' }),
    handle: Type.String({ description: 'the canonical handle; old handles answer 301 to it' }),
  }),
});
export type ProductDetail = Static<typeof ProductDetailSchema>;

/** A SKU's stock as inventory last reported it (none: never reported). */
export interface Stock {
  available: number;
  backorder: boolean;
}

/** What the store shows of a SKU's stock. */
export function availabilityOf(
  stock: Stock | undefined,
  display: StockDisplay,
  lowStock: number,
): Availability {
  const available = stock?.available ?? 0;
  const level =
    available > lowStock
      ? 'in_stock'
      : available > 0
        ? 'low_stock'
        : stock?.backorder
          ? 'backorder'
          : 'out_of_stock';
  return {
    availableForSale: level !== 'out_of_stock',
    level,
    quantity: display === 'exact' ? available : null,
  };
}

/** Option names in order of first appearance, each with its values in order of first appearance. */
export function optionsOf(variants: Variant[]): {
  options: Array<{ name: string; values: string[] }>;
  variantByOptions: Record<string, string>;
} {
  const names: string[] = [];
  const values = new Map<string, string[]>();
  for (const v of variants) {
    for (const [name, value] of Object.entries(v.options)) {
      if (!values.has(name)) {
        names.push(name);
        values.set(name, []);
      }
      const list = values.get(name)!;
      if (!list.includes(value)) list.push(value);
    }
  }
  const variantByOptions: Record<string, string> = {};
  for (const v of variants) {
    const key = names.map((n) => v.options[n] ?? '').join(' / ');
    variantByOptions[key] ??= v.id;
  }
  return { options: names.map((name) => ({ name, values: values.get(name)! })), variantByOptions };
}

function rangeOf(amounts: Money[]): Range | null {
  if (amounts.length === 0) return null;
  const sorted = [...amounts].sort((a, b) => a.amount - b.amount);
  return { min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/** The extras a detail read adds to a product, loaded by detail-repository.ts. */
export interface DetailExtras {
  brand: Ref | null;
  breadcrumbs: Ref[];
  stock: ReadonlyMap<string, Stock>;
  rating: { average: number; count: number };
  seoTitle: string | null;
  seoDescription: string | null;
}

export function toDetail(
  p: Product,
  x: DetailExtras,
  display: StockDisplay,
  lowStock: number,
): ProductDetail {
  const variants = p.variants.map((v) => ({
    ...v,
    availability: availabilityOf(x.stock.get(v.sku), display, lowStock),
  }));
  return {
    ...p,
    variants,
    availableForSale: variants.some((v) => v.availability.availableForSale),
    brand: x.brand,
    breadcrumbs: x.breadcrumbs,
    ...optionsOf(p.variants),
    priceRange: rangeOf(p.variants.map((v) => v.price)),
    compareAtPriceRange: rangeOf(p.variants.flatMap((v) => (v.compareAtPrice ? [v.compareAtPrice] : []))),
    rating: x.rating,
    seo: {
      title: x.seoTitle ?? p.title,
      description: x.seoDescription ?? (p.description ?? '').slice(0, 160),
      handle: p.handle,
    },
  };
}

/** A product as a listing shows it: what a product card needs, ~300 bytes (`view=compact`, the default). */
export const ListingItemSchema = Type.Object({
  id: Type.String(),
  handle: Type.String(),
  title: Type.String(),
  brand: Type.Union([Type.Object({ handle: Type.String(), name: Type.String() }), Type.Null()]),
  price: Type.Union([Money, Type.Null()], { description: 'the lowest variant price' }),
  compareAtPrice: Type.Union([Money, Type.Null()], { description: "the lowest-priced variant's, if any" }),
  maxPrice: Type.Union([Money, Type.Null()], { description: 'the highest variant price ("from … to …")' }),
  image: Type.Union([Type.Object({ url: Type.String(), alt: Type.String() }), Type.Null()]),
  availableForSale: Type.Boolean(),
  rating: Type.Object({ average: Type.Number(), count: Type.Integer() }),
});
export type ListingItem = Static<typeof ListingItemSchema>;

export function toListingItem(d: ProductDetail): ListingItem {
  const cheapest = [...d.variants].sort((a, b) => a.price.amount - b.price.amount)[0];
  return {
    id: d.id,
    handle: d.handle,
    title: d.title,
    brand: d.brand && { handle: d.brand.handle, name: d.brand.name },
    price: d.priceRange?.min ?? null,
    compareAtPrice: cheapest?.compareAtPrice ?? null,
    maxPrice: d.priceRange?.max ?? null,
    image: d.images[0] ?? null,
    availableForSale: d.availableForSale,
    rating: d.rating,
  };
}
