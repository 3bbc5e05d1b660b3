import type { ColumnType, Generated } from '@mercato/platform/db';

/** A jsonb column: read as parsed JSON, written through the kit's `jsonb`. */
type Jsonb = ColumnType<unknown, unknown, unknown>;
type CreatedAt = ColumnType<Date, Date | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | undefined, Date>;
/** bigint money columns: node-postgres reads int8 as a string; the repository turns it into a number. */
type Money = ColumnType<string | number, number, number>;

export interface OrdersTable {
  id: string;
  number: string;
  checkout_id: string;
  create_fingerprint: string;
  status: string;
  customer_id: string | null;
  email: string;
  currency: string;
  shipping_address: Jsonb;
  billing_address: Jsonb;
  shipping_method_code: string;
  shipping_method_name: string;
  subtotal: Money;
  discount_total: Money;
  shipping_total: Money;
  tax_total: Money;
  total: Money;
  refunded_total: ColumnType<string | number, number | undefined, number>;
  payment_id: string | null;
  paid_at: Date | null;
  delivered_at: Date | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface OrderLinesTable {
  order_id: string;
  line_no: number;
  sku: string;
  title: string;
  quantity: number;
  unit_price: Money;
  discounts: Jsonb;
  discount_total: Money;
  tax: Money;
  total: Money;
  fulfilled_quantity: Generated<number>;
  returned_quantity: Generated<number>;
  refunded: ColumnType<string | number, number | undefined, number>;
}

export interface OrderStatusHistoryTable {
  id: string;
  order_id: string;
  from_status: string | null;
  to_status: string;
  actor: string;
  reason: string | null;
  at: Generated<Date>;
  /** The order entries were written in (taken under the order's row lock): bigint, as text. */
  seq: ColumnType<string, never, never>;
}

export interface OrderNotesTable {
  id: string;
  order_id: string;
  author: string;
  body: string;
  created_at: CreatedAt;
}

export interface OrderReturnsTable {
  id: string;
  order_id: string;
  status: 'requested' | 'received';
  lines: Jsonb;
  reason: string;
  requested_by: string;
  created_at: CreatedAt;
  received_at: Date | null;
}

export interface OrderRefundsTable {
  id: string;
  order_id: string;
  amount: Money;
  lines: Jsonb;
  reason: string;
  status: 'requested' | 'succeeded' | 'failed';
  payment_refund_id: string | null;
  requested_by: string;
  created_at: CreatedAt;
}

export interface SettingsSnapshotTable {
  key: string;
  value: Jsonb;
  version: number;
  updated_at: UpdatedAt;
}

/** The orders schema as Kysely sees it (tables unqualified: `ctx.database.db` adds the schema). */
export interface OrderDB {
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  order_status_history: OrderStatusHistoryTable;
  order_notes: OrderNotesTable;
  order_returns: OrderReturnsTable;
  order_refunds: OrderRefundsTable;
  settings_snapshot: SettingsSnapshotTable;
}
