import type { ColumnType, Generated } from '@mercato/platform/db';

/** A jsonb column: read parsed, written through the kit's `jsonb`. */
type Jsonb = ColumnType<unknown, unknown, unknown>;
type CreatedAt = ColumnType<Date, Date | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | undefined, Date>;

export interface WarehousesTable {
  id: string;
  code: string;
  name: string;
  address: Jsonb;
  priority: number;
  active: boolean;
  low_stock_threshold: number;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface StockItemsTable {
  sku: string;
  product_id: string | null;
  active: Generated<boolean>;
  backorder: Generated<boolean>;
  low_stock_threshold: number | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface StockLevelsTable {
  sku: string;
  warehouse_id: string;
  on_hand: Generated<number>;
  reserved: Generated<number>;
  updated_at: UpdatedAt;
}

export type MovementKind =
  'restock' | 'count' | 'transfer_in' | 'transfer_out' | 'damage' | 'loss' | 'commit';

export interface StockMovementsTable {
  id: string;
  sku: string;
  warehouse_id: string;
  kind: MovementKind;
  delta: number;
  on_hand_after: number;
  reservation_id: string | null;
  transfer_id: string | null;
  actor: string;
  reason: string | null;
  note: string | null;
  created_at: CreatedAt;
}

export type ReservationStatus = 'held' | 'committed' | 'released';

export interface ReservationsTable {
  id: string;
  reference: string;
  status: ReservationStatus;
  release_reason: string | null;
  expires_at: Date;
  created_by: string;
  /** The Idempotency-Key record of the creating request (migrations/0003): kit scope, key, fingerprint. */
  idem_scope: string | null;
  idem_key: string | null;
  idem_hash: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ReservationAllocationsTable {
  reservation_id: string;
  line_no: number;
  sku: string;
  warehouse_id: string;
  quantity: number;
  held: number;
  committed: Generated<number>;
  released: Generated<number>;
}

export interface ReservationRefusalsTable {
  scope: string;
  key: string;
  request_hash: string;
  shortages: Jsonb;
  /** The first answer's correlationId: a replayed 409 is the first body, byte for byte. */
  correlation_id: string;
  created_at: CreatedAt;
}

/** The inventory schema as Kysely sees it (tables unqualified: `ctx.database.db` adds the schema). */
export interface InventoryDB {
  warehouses: WarehousesTable;
  stock_items: StockItemsTable;
  stock_levels: StockLevelsTable;
  stock_movements: StockMovementsTable;
  reservations: ReservationsTable;
  reservation_allocations: ReservationAllocationsTable;
  reservation_refusals: ReservationRefusalsTable;
}
