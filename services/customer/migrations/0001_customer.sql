-- A customer profile per identity user (id = the user's id), created from user.registered
-- or on the customer's first call. Anonymized profiles keep their row (orders and loyalty
-- refer to it) with the personal fields erased.
create table customers (
  id uuid primary key,
  email text,
  name text,
  phone text,
  locale text,
  marketing_consent boolean not null default false,
  consent_changed_at timestamptz,
  consent_source text,
  points_balance integer not null default 0 check (points_balance >= 0),
  tier text not null default 'bronze',
  anonymized_at timestamptz,
  version integer not null default 1 check (version >= 1),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index customers_email on customers (email);
create index customers_created_at on customers (created_at desc, id);

-- The address book: at most 20 per customer (checked under the customer's row lock), one
-- default shipping and one default billing address at most.
create table addresses (
  id uuid primary key,
  customer_id uuid not null references customers (id) on delete cascade,
  label text,
  name text not null,
  company text,
  line1 text not null,
  line2 text,
  city text not null,
  region text,
  postal_code text,
  country char(2) not null,
  phone text,
  default_shipping boolean not null default false,
  default_billing boolean not null default false,
  created_at timestamptz not null default now()
);
create index addresses_customer on addresses (customer_id, created_at);
create unique index addresses_one_default_shipping on addresses (customer_id) where default_shipping;
create unique index addresses_one_default_billing on addresses (customer_id) where default_billing;

-- Every change of a customer's points. An order earns once however often its event arrives
-- (the unique index; the kit's inbox dedupes each event besides), and reverts never take
-- back more than the order earned (checked under the customer's row lock).
create table loyalty_movements (
  id uuid primary key,
  customer_id uuid not null references customers (id) on delete cascade,
  delta integer not null check (delta <> 0),
  balance_after integer not null check (balance_after >= 0),
  reason text not null check (reason in ('earned', 'reverted', 'adjusted')),
  reference text,
  note text,
  actor text,
  created_at timestamptz not null default now()
);
create index loyalty_movements_customer on loyalty_movements (customer_id, created_at desc, id);
create unique index loyalty_movements_earned_once on loyalty_movements (customer_id, reference)
  where reason = 'earned';

-- The shop settings this service follows (setting.changed), e.g. loyalty.points_per_unit.
create table shop_settings (
  key text primary key,
  value jsonb not null,
  version integer not null
);
