-- Readable order numbers (MC-0000001): a sequence, so concurrent creations never collide.
create sequence order_number_seq start 1;

-- One order per checkout (checkout_id unique: the saga's repeat finds it). Money in minor
-- units of the order's currency. create_fingerprint: a hash of the creating request, so a
-- repeat with other content is refused rather than silently answered with the first order.
create table orders (
  id uuid primary key,
  number text not null unique,
  checkout_id text not null unique,
  create_fingerprint text not null,
  status text not null check (status in ('pending', 'confirmed', 'paid', 'partially_fulfilled', 'fulfilled',
    'shipped', 'delivered', 'completed', 'cancelled', 'return_requested', 'returned', 'refunded')),
  customer_id text,
  email text not null,
  currency char(3) not null,
  shipping_address jsonb not null,
  billing_address jsonb,
  shipping_method_code text not null,
  shipping_method_name text not null,
  subtotal bigint not null check (subtotal >= 0),
  discount_total bigint not null check (discount_total >= 0),
  shipping_total bigint not null check (shipping_total >= 0),
  tax_total bigint not null check (tax_total >= 0),
  total bigint not null check (total >= 0),
  refunded_total bigint not null default 0 check (refunded_total >= 0),
  payment_id text,
  paid_at timestamptz,
  delivered_at timestamptz,
  version integer not null default 1 check (version >= 1),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint orders_refund_within_total check (refunded_total <= total)
);
create index orders_customer_created on orders (customer_id, created_at desc, id desc);
create index orders_created on orders (created_at desc, id desc);
create index orders_email on orders (lower(email));
create index orders_status on orders (status);

-- Line snapshots: what was bought at what price, as the checkout priced it.
create table order_lines (
  order_id uuid not null references orders (id) on delete cascade,
  line_no integer not null check (line_no >= 1),
  sku text not null,
  title text not null,
  quantity integer not null check (quantity >= 1),
  unit_price bigint not null check (unit_price >= 0),
  discounts jsonb not null default '[]'::jsonb,
  discount_total bigint not null default 0 check (discount_total >= 0),
  tax bigint not null default 0 check (tax >= 0),
  total bigint not null check (total >= 0),
  fulfilled_quantity integer not null default 0 check (fulfilled_quantity between 0 and quantity),
  returned_quantity integer not null default 0 check (returned_quantity between 0 and quantity),
  refunded bigint not null default 0 check (refunded >= 0),
  primary key (order_id, line_no)
);

-- Every transition: from, to, who, why, when (the order's story).
create table order_status_history (
  id uuid primary key,
  order_id uuid not null references orders (id) on delete cascade,
  from_status text,
  to_status text not null,
  actor text not null,
  reason text,
  at timestamptz not null default now()
);
create index order_status_history_order on order_status_history (order_id, at, id);

-- Staff's internal notes (never shown to the customer).
create table order_notes (
  id uuid primary key,
  order_id uuid not null references orders (id) on delete cascade,
  author text not null,
  body text not null,
  created_at timestamptz not null default now()
);
create index order_notes_order on order_notes (order_id, created_at, id);

-- Return requests of delivered lines: lines = [{ lineNo, sku, quantity }].
create table order_returns (
  id uuid primary key,
  order_id uuid not null references orders (id) on delete cascade,
  status text not null check (status in ('requested', 'received')),
  lines jsonb not null,
  reason text not null,
  requested_by text not null,
  created_at timestamptz not null default now(),
  received_at timestamptz
);
create index order_returns_order on order_returns (order_id, created_at);

-- Refunds asked for: lines = [{ lineNo, quantity }] when the refund named lines.
create table order_refunds (
  id uuid primary key,
  order_id uuid not null references orders (id) on delete cascade,
  amount bigint not null check (amount > 0),
  lines jsonb not null default '[]'::jsonb,
  reason text not null,
  status text not null check (status in ('requested', 'succeeded', 'failed')),
  payment_refund_id text,
  requested_by text not null,
  created_at timestamptz not null default now()
);
create index order_refunds_order on order_refunds (order_id, created_at);

-- The settings order reads (store.profile, orders.return_window_days), as settings last announced them.
create table settings_snapshot (
  key text primary key,
  value jsonb,
  version integer not null,
  updated_at timestamptz not null default now()
);
