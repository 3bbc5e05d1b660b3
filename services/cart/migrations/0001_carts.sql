-- Carts: one row per cart, its lines as one jsonb document (a cart is read and written
-- whole; 100 lines at most). PostgreSQL is the durable copy; distributed mode keeps the
-- same document in Redis for reads (src/carts/cart-store.ts).
create table carts (
  id uuid primary key,
  -- null for a guest cart, whose id (122 random bits) is the capability to reach it
  customer_id text,
  status text not null default 'active' check (status in ('active', 'merged', 'checked_out')),
  currency char(3) not null,
  country char(2),
  lines jsonb not null default '[]',
  -- the lines' SKUs, for the catalog events that mark lines (GIN: `skus && $1`)
  skus text[] not null default '{}',
  version integer not null default 1,
  created_at timestamptz not null,
  -- the last change (abandonment counts from here)
  updated_at timestamptz not null,
  -- the last use, read or write (expiry slides from here)
  touched_at timestamptz not null,
  expires_at timestamptz not null,
  abandoned_at timestamptz,
  closed_at timestamptz,
  merged_into uuid,
  checkout_id text
);

-- One active cart per customer.
create unique index carts_customer_active on carts (customer_id) where status = 'active' and customer_id is not null;
create index carts_skus on carts using gin (skus) where status = 'active';
-- The abandonment worker's scan: active carts with lines not yet announced, oldest change first.
create index carts_abandon_scan on carts (updated_at) where status = 'active' and abandoned_at is null and skus <> '{}';
