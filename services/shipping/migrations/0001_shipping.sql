-- Shipping zones: the countries a set of methods serves. A country belongs to one active
-- zone at most (checked by the service under a table lock, as arrays cannot be unique-indexed).
create table zones (
  id uuid primary key,
  code text not null unique,
  name text not null,
  countries text[] not null,
  active boolean not null default true,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Methods per zone with their rate table: brackets of weight (grams) or of subtotal (minor
-- units), each `{ "upTo": n | null, "amount": minor units }`, ascending; null = no upper bound.
create table methods (
  id uuid primary key,
  zone_id uuid not null references zones (id) on delete cascade,
  code text not null,
  name text not null,
  kind text not null check (kind in ('standard', 'express', 'pickup')),
  rate_basis text not null check (rate_basis in ('weight', 'subtotal')),
  rates jsonb not null,
  currency char(3) not null,
  free_over integer check (free_over is null or free_over >= 0),
  handling_days integer not null default 1 check (handling_days between 0 and 60),
  transit_days_min integer not null check (transit_days_min between 0 and 90),
  transit_days_max integer not null check (transit_days_max >= transit_days_min and transit_days_max <= 90),
  active boolean not null default true,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (zone_id, code)
);

-- A shipment per order and warehouse (a split allocation is several). Its label comes from the
-- carrier after the row is committed (status pending until then), so a retry finishes it.
create table shipments (
  id uuid primary key,
  order_id uuid not null,
  reference text,
  warehouse_code text not null,
  method_code text not null,
  carrier text not null,
  tracking_number text unique,
  label_url text,
  status text not null check (status in ('pending', 'label_created', 'dispatched', 'in_transit',
    'out_for_delivery', 'delivered', 'exception', 'cancelled')),
  address jsonb not null,
  lines jsonb not null,
  dispatched_at timestamptz,
  delivered_at timestamptz,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (order_id, warehouse_code)
);
create index shipments_order on shipments (order_id);

-- The tracking history; a carrier event is applied once (its id is unique).
create table tracking_events (
  id uuid primary key,
  shipment_id uuid not null references shipments (id) on delete cascade,
  carrier_event_id text unique,
  status text not null,
  detail text,
  occurred_at timestamptz not null,
  received_at timestamptz not null default now()
);
create index tracking_events_shipment on tracking_events (shipment_id, occurred_at);
