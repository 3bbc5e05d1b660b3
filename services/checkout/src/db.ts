import type { ColumnType } from '@mercato/platform/db';

type Jsonb<T> = ColumnType<T, string, string>;

export interface CheckoutsTable {
  id: string;
  idem_scope: string;
  idem_key: string;
  fingerprint: string;
  cart_id: string;
  customer_id: string | null;
  email: string;
  payment_id: string | null;
  action_url: string | null;
  announced_at: Date | null;
  created_at: Date;
}

/** The saga engine's table (packages/platform saga migration), read here to announce ended checkouts. */
export interface SagasTable {
  id: string;
  type: string;
  status: string;
  input: Jsonb<unknown>;
  data: Jsonb<Record<string, unknown>>;
  failure: Jsonb<{ code: string; message: string; step: string } | null>;
}

/** The checkout schema as Kysely sees it (tables unqualified: `ctx.database.db` adds the schema). */
export interface CheckoutDB {
  checkouts: CheckoutsTable;
  sagas: SagasTable;
}
