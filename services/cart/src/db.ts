import type { ColumnType } from '@mercato/platform/db';

/** A jsonb column: read as parsed JSON, written through the kit's `jsonb`. */
type Jsonb = ColumnType<unknown, unknown, unknown>;

export interface CartsTable {
  id: string;
  customer_id: string | null;
  status: 'active' | 'merged' | 'checked_out';
  currency: string;
  country: string | null;
  lines: Jsonb;
  skus: string[];
  codes: string[];
  version: number;
  created_at: Date;
  updated_at: Date;
  touched_at: Date;
  expires_at: Date;
  abandoned_at: Date | null;
  closed_at: Date | null;
  merged_into: string | null;
  checkout_id: string | null;
}

/** The cart schema as Kysely sees it (tables unqualified: `ctx.database.db` adds the schema). */
export interface CartDB {
  carts: CartsTable;
}
