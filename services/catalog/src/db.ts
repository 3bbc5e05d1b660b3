import { isUniqueViolation, type ColumnType, type Generated } from '@mercato/platform/db';

/** A jsonb column: read parsed, written through the kit's `jsonb`. */
type Jsonb = ColumnType<unknown, unknown, unknown>;
type CreatedAt = ColumnType<Date, Date | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | undefined, Date>;
/** bigint: node-postgres reads it as a string (it may exceed 2^53); writes take numbers. */
type BigIntColumn = ColumnType<string, number, number>;

export interface BrandsTable {
  id: string;
  handle: string;
  name: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface CategoriesTable {
  id: string;
  handle: string;
  name: string;
  parent_id: string | null;
  position: number;
  path: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ProductsTable {
  id: string;
  handle: string;
  title: string;
  description: string | null;
  status: 'draft' | 'active' | 'archived';
  brand_id: string | null;
  seller_id: string | null;
  attributes: Jsonb;
  images: Jsonb;
  search_terms: string;
  search: ColumnType<string, never, never>;
  /** numeric(3,2): read as a string like "4.50". */
  rating_average: ColumnType<string, number | undefined, number>;
  rating_count: ColumnType<number, number | undefined, number>;
  rating_as_of: ColumnType<Date | null, Date | null | undefined, Date>;
  seo_title: ColumnType<string | null, string | null | undefined, string | null>;
  seo_description: ColumnType<string | null, string | null | undefined, string | null>;
  version: number;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ProductCategoriesTable {
  product_id: string;
  category_id: string;
}

export interface VariantsTable {
  id: string;
  product_id: string;
  sku: string;
  options: Jsonb;
  price_amount: BigIntColumn;
  currency: string;
  compare_at_amount: ColumnType<string | null, number | null, number | null>;
  weight_grams: number | null;
  barcode: string | null;
  position: number;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** Availability per SKU, as inventory last published it. */
export interface SkuStockTable {
  sku: string;
  available: number;
  backorder: boolean;
  as_of: Date;
}

/** Admin-managed synonym groups of search (see migration 0003). */
export interface SearchSynonymsTable {
  id: string;
  terms: string[];
  /** each term folded (lower case, unaccented, its words joined by one space) */
  words: string[];
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** The search dictionary: every lexeme of the product vectors and of the synonyms. */
export interface SearchWordsTable {
  word: string;
}

/** Handles products had before; a read of one redirects to the product's current handle. */
export interface ProductHandleRedirectsTable {
  handle: string;
  product_id: string;
  created_at: CreatedAt;
}

/** Images stored once, served by /api/v1/media/:id. */
export interface MediaTable {
  id: string;
  sha256: string;
  content_type: string;
  bytes: Buffer;
  created_at: CreatedAt;
}

/** The catalog schema as Kysely sees it (tables unqualified: `ctx.database.db` adds the schema). */
export interface CatalogDB {
  brands: BrandsTable;
  categories: CategoriesTable;
  products: ProductsTable;
  product_categories: ProductCategoriesTable;
  variants: VariantsTable;
  sku_stock: SkuStockTable;
  search_synonyms: SearchSynonymsTable;
  search_words: SearchWordsTable;
  product_handle_redirects: ProductHandleRedirectsTable;
  media: MediaTable;
}

/** Unique violations become the API's 409s: which one, by the constraint's name. */
export function uniqueViolation(err: unknown): 'sku' | 'handle' | undefined {
  if (!isUniqueViolation(err)) return undefined;
  return isUniqueViolation(err, 'sku') ? 'sku' : 'handle';
}
