-- Stock locations. priority orders allocation (1 first); low_stock_threshold is the
-- default threshold of every SKU stocked here (a SKU may set its own).
create table warehouses (
  id uuid primary key,
  code text not null unique,
  name text not null,
  address jsonb not null default '{}'::jsonb,
  priority integer not null default 100 check (priority >= 0),
  active boolean not null default true,
  low_stock_threshold integer not null default 5 check (low_stock_threshold >= 0),
  version integer not null default 1 check (version >= 1),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- One row per SKU the inventory knows (created by product.created or a first restock).
-- active = false once catalog deactivated the product: it can no longer be reserved.
create table stock_items (
  sku text primary key,
  product_id uuid,
  active boolean not null default true,
  backorder boolean not null default false,
  low_stock_threshold integer check (low_stock_threshold >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Stock of one SKU in one warehouse. available = on_hand - reserved, never negative:
-- the CHECKs hold whatever the code does.
create table stock_levels (
  sku text not null references stock_items (sku),
  warehouse_id uuid not null references warehouses (id) on delete cascade,
  on_hand integer not null default 0 check (on_hand >= 0),
  reserved integer not null default 0 check (reserved >= 0),
  updated_at timestamptz not null default now(),
  primary key (sku, warehouse_id),
  constraint stock_levels_reserved_within_on_hand check (reserved <= on_hand)
);
create index stock_levels_warehouse on stock_levels (warehouse_id);

-- The ledger of on-hand changes: for every (sku, warehouse) the deltas sum to on_hand.
-- Holds and releases move `reserved` only and are recorded in the reservation tables.
create table stock_movements (
  id uuid primary key,
  sku text not null,
  warehouse_id uuid not null references warehouses (id),
  kind text not null check (kind in ('restock', 'count', 'transfer_in', 'transfer_out', 'damage', 'loss', 'commit')),
  delta integer not null,
  on_hand_after integer not null check (on_hand_after >= 0),
  reservation_id uuid,
  transfer_id uuid,
  actor text not null,
  reason text,
  note text,
  created_at timestamptz not null default now()
);
create index stock_movements_sku on stock_movements (sku, created_at desc);
create index stock_movements_warehouse on stock_movements (warehouse_id, created_at desc);
create index stock_movements_created on stock_movements (created_at desc);

-- A hold for a reference (a checkout). held → committed (an order was confirmed) or
-- released (cancelled, expired, or every line given back by partial releases).
create table reservations (
  id uuid primary key,
  reference text not null,
  status text not null check (status in ('held', 'committed', 'released')),
  release_reason text,
  lines jsonb not null,
  expires_at timestamptz not null,
  created_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index reservations_reference on reservations (reference, created_at);
create index reservations_expiry on reservations (expires_at) where status = 'held';

-- Where each line's quantity is held: a line split over warehouses has several rows.
-- quantity = held + committed + released at all times.
create table reservation_allocations (
  reservation_id uuid not null references reservations (id),
  line_no integer not null check (line_no >= 1),
  sku text not null,
  warehouse_id uuid not null references warehouses (id),
  quantity integer not null check (quantity > 0),
  held integer not null check (held >= 0),
  committed integer not null default 0 check (committed >= 0),
  released integer not null default 0 check (released >= 0),
  primary key (reservation_id, line_no, warehouse_id),
  constraint reservation_allocations_balance check (held + committed + released = quantity)
);
