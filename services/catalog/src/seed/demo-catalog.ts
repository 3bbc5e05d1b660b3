import type { CreateProductInput, CreateVariantInput } from '../products/product.ts';
import { APPAREL } from './departments/apparel.ts';
import { BEAUTY } from './departments/beauty.ts';
import { BOOKS_STATIONERY } from './departments/books-stationery.ts';
import { ELECTRONICS } from './departments/electronics.ts';
import { HOME_KITCHEN } from './departments/home-kitchen.ts';
import { SPORTS_OUTDOORS } from './departments/sports-outdoors.ts';
import { TOYS_GAMES } from './departments/toys-games.ts';
import { COLOURS, type AttrValue, type Colour, type DeptSpec } from './demo-spec.ts';

/**
 * The demo catalog: a deterministic generator (seeded PRNG, no clock, no network) of a
 * category tree, invented brands and ~1,200 products with variants, attributes and SVG
 * data-URL images. Every run yields the same data, so the seed can recognise what it
 * already loaded by handle.
 */

export interface DemoBrand {
  handle: string;
  name: string;
}

export interface DemoCategory {
  handle: string;
  name: string;
  /** The parent's handle (departments have none); parents come before their children. */
  parent: string | null;
  position: number;
}

/** A product create body that names its brand and categories by handle. */
export type DemoProduct = Omit<
  CreateProductInput,
  'brandId' | 'categoryIds' | 'sellerId' | 'price' | 'defaultSku' | 'variants' | 'images'
> & {
  brand: string;
  categories: string[];
  images: Array<{ url: string; alt: string }>;
  variants: CreateVariantInput[];
};

export interface DemoCatalog {
  brands: DemoBrand[];
  categories: DemoCategory[];
  products: DemoProduct[];
}

export const DEMO_SEED = 0x6d657263; // "merc"
export const DEMO_PRODUCT_COUNT = 1200;

type Rng = () => number;

/** mulberry32: a tiny, fast, seeded 32-bit PRNG (uniform in [0, 1)). */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(r: Rng, items: readonly T[]): T {
  const item = items[Math.floor(r() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

function int(r: Rng, min: number, max: number): number {
  return min + Math.floor(r() * (max - min + 1));
}

/** `count` distinct items, in list order. */
function some<T>(r: Rng, items: readonly T[], count: number): T[] {
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, items.length)) chosen.add(Math.floor(r() * items.length));
  return [...chosen].sort((a, b) => a - b).map((i) => items[i] as T);
}

export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

const DEPARTMENTS: DeptSpec[] = [
  APPAREL,
  HOME_KITCHEN,
  ELECTRONICS,
  SPORTS_OUTDOORS,
  BEAUTY,
  TOYS_GAMES,
  BOOKS_STATIONERY,
];

/** Rounds to a price ending in 99 cents, at least `min`. */
function price99(amount: number, min = 499): number {
  return Math.max(min, Math.round(amount / 100) * 100 - 1);
}

/** An EAN-13 in the restricted-circulation range 200–299 (not a real product code). */
function ean13(n: number): string {
  const body = `200${String(n).padStart(9, '0')}`;
  let sum = 0;
  for (const [i, d] of [...body].entries()) sum += Number(d) * (i % 2 === 0 ? 1 : 3);
  return `${body}${(10 - (sum % 10)) % 10}`;
}

function initials(title: string): string {
  return title
    .split(/[\s-]+/)
    .filter((w) => /^[A-Za-z]/.test(w))
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase() ?? '')
    .join('');
}

/** A simple 400×400 SVG (background, a shape, the initials) as a data URL (~600–900 chars). */
export function svgDataUrl(text: string, background: string, accent: string, shape: number): string {
  const shapes = [
    `<circle cx='200' cy='175' r='105' fill='${accent}'/>`,
    `<rect x='95' y='70' width='210' height='210' rx='36' fill='${accent}'/>`,
    `<polygon points='200,60 320,280 80,280' fill='${accent}'/>`,
  ];
  const svg =
    `<svg xmlns='http://www.w3.org/2000/svg' width='400' height='400' viewBox='0 0 400 400'>` +
    `<rect width='400' height='400' fill='${background}'/>${shapes[shape % shapes.length]}` +
    `<text x='200' y='355' font-family='Helvetica,Arial,sans-serif' font-size='56' font-weight='700' ` +
    `text-anchor='middle' fill='#ffffff'>${text}</text></svg>`;
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

function listWords(words: string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** Generates the demo catalog; the same `seed` always gives the same catalog. */
export function generateDemoCatalog(seed = DEMO_SEED, count = DEMO_PRODUCT_COUNT): DemoCatalog {
  const r = mulberry32(seed);
  const brands: DemoBrand[] = [];
  const categories: DemoCategory[] = [];
  for (const [d, dept] of DEPARTMENTS.entries()) {
    categories.push({ handle: dept.handle, name: dept.name, parent: null, position: d });
    for (const [s, sub] of dept.subs.entries())
      categories.push({ handle: sub.handle, name: sub.name, parent: dept.handle, position: s });
    for (const name of dept.brands) brands.push({ handle: slugify(name), name });
  }

  const subs = DEPARTMENTS.flatMap((dept) => dept.subs.map((sub) => ({ dept, sub })));
  const products: DemoProduct[] = [];
  const titles = new Set<string>();
  const seqBySub = new Map<string, number>();
  let barcodes = 0;

  for (let i = 0; i < count; i++) {
    const { dept, sub } = subs[i % subs.length] as (typeof subs)[number];
    const seq = (seqBySub.get(sub.handle) ?? 0) + 1;
    seqBySub.set(sub.handle, seq);
    const brandName = pick(r, dept.brands);

    // A title not used yet: adjective + style + noun, a model number when every try collides.
    let style = '';
    let title = '';
    for (let attempt = 0; attempt < 12 && (title === '' || titles.has(title)); attempt++) {
      style = pick(r, sub.styles);
      title = `${pick(r, dept.adjectives)} ${style} ${pick(r, sub.nouns)}`;
    }
    if (titles.has(title)) title = `${title} ${seq}`;
    titles.add(title);

    const attributes: Record<string, AttrValue> = {};
    if (sub.styleAttr) attributes[sub.styleAttr] = style.toLowerCase();
    for (const [key, values] of Object.entries(sub.attrs)) attributes[key] = pick(r, values);

    // Prices spread log-uniformly over the subcategory's range.
    const [lo, hi] = sub.price;
    const base = price99(lo * Math.pow(hi / lo, r()));
    const onSale = r() < 0.3;
    const markup = 1.15 + r() * 0.45;
    const grams = Math.round(int(r, sub.grams[0], sub.grams[1]) / 5) * 5;
    const code = `${sub.sku}-${String(seq).padStart(4, '0')}`;

    const rows: Array<{ sku: string; options: Record<string, string>; amount: number }> = [];
    let colours: Colour[] = [];
    const spec = sub.variants;
    if (spec.kind === 'sizes' || spec.kind === 'colours') {
      colours = some(r, COLOURS, int(r, 1, 3));
      const sizes = spec.kind === 'sizes' ? spec.sizes : [undefined];
      for (const colour of colours)
        for (const size of sizes)
          rows.push({
            sku: size ? `${code}-${size}-${colour.code}` : `${code}-${colour.code}`,
            options: size ? { size, colour: colour.name } : { colour: colour.name },
            amount: base,
          });
    } else if (spec.kind === 'option') {
      const n = int(r, 1, 3);
      const start = int(r, 0, spec.values.length - n);
      for (const [k, value] of spec.values.slice(start, start + n).entries())
        rows.push({
          sku: `${code}-${value.toUpperCase().replace(/[^A-Z0-9]+/g, '')}`,
          options: { [spec.key]: value },
          amount: base + k * spec.step,
        });
    } else {
      rows.push({ sku: code, options: {}, amount: base });
    }
    // A size in ml (e.g. "500 ml", "1 l") is also the attribute, taken from the smallest variant.
    const ml = /^(\d+) (ml|l)$/.exec(Object.values(rows[0]?.options ?? {})[0] ?? '');
    for (const key of ['capacityMl', 'volumeMl'])
      if (ml && key in attributes) attributes[key] = Number(ml[1]) * (ml[2] === 'l' ? 1000 : 1);
    const variants: CreateVariantInput[] = rows.map((row, position) => ({
      sku: row.sku,
      options: row.options,
      price: { amount: row.amount, currency: 'USD' },
      compareAtPrice: onSale ? { amount: price99(row.amount * markup), currency: 'USD' } : null,
      weightGrams: grams,
      barcode: ean13(++barcodes),
      position,
    }));

    const sentences = [`${brandName}'s ${title.toLowerCase()}: ${pick(r, dept.benefits)}.`];
    if (r() < 0.8) sentences.push(pick(r, sub.features));
    if (colours.length > 0) sentences.push(`Available in ${listWords(colours.map((c) => c.name))}.`);
    else if (r() < 0.5)
      sentences.push(
        pick(
          r,
          sub.features.filter((f) => f !== sentences[1]),
        ),
      );

    const background = pick(r, dept.palette);
    const accent = colours[0]?.hex ?? pick(r, COLOURS).hex;
    const mark = initials(title);
    const images = [{ url: svgDataUrl(mark, background, accent, int(r, 0, 2)), alt: title }];
    if (r() < 0.5) {
      images.push({
        url: svgDataUrl(sub.sku, accent, background, int(r, 0, 2)),
        alt: `${title}, detail`,
      });
    }

    products.push({
      handle: slugify(`${title} ${code}`),
      title,
      description: sentences.join(' '),
      status: r() < 0.02 ? 'draft' : 'active',
      brand: slugify(brandName),
      categories: [sub.handle],
      attributes,
      images,
      variants,
    });
  }
  return { brands, categories, products };
}

let cached: DemoCatalog | undefined;

/** The demo catalog (generated once per process). */
export function demoCatalog(): DemoCatalog {
  cached ??= generateDemoCatalog();
  return cached;
}

/** A demo product as a create body, with brand and category handles resolved to ids. */
export function toCreateInput(
  p: DemoProduct,
  brandIds: ReadonlyMap<string, string>,
  categoryIds: ReadonlyMap<string, string>,
): CreateProductInput {
  const { brand, categories, ...body } = p;
  return {
    ...body,
    brandId: brandIds.get(brand) ?? null,
    categoryIds: categories.flatMap((h) => categoryIds.get(h) ?? []),
  };
}
