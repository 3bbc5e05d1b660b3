-- Campaigns group promotions under one schedule: a promotion of a campaign applies only
-- while both its own window and its campaign's are open and both are active.
create table campaigns (
  id uuid primary key,
  name text not null,
  description text,
  status text not null default 'active' check (status in ('active', 'paused', 'archived')),
  starts_at timestamptz,
  ends_at timestamptz,
  version integer not null default 1 check (version >= 1),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (ends_at is null or starts_at is null or ends_at > starts_at)
);

-- A promotion: what it gives (kind and value), on which lines (target), under which
-- conditions, when, and how it stacks. `uses` counts held and committed uses: the limit
-- checks are one conditional UPDATE of this row, so concurrent reserves cannot pass it.
create table promotions (
  id uuid primary key,
  campaign_id uuid references campaigns (id),
  name text not null,
  description text,
  kind text not null check (kind in ('percentage', 'fixed_amount', 'free_shipping', 'buy_x_get_y')),
  trigger text not null check (trigger in ('automatic', 'code')),
  status text not null default 'active' check (status in ('active', 'paused', 'archived')),
  -- percentage and buy_x_get_y: basis points off (10000 = 100 %); fixed_amount: amount in minor units
  percent_bps integer check (percent_bps between 1 and 10000),
  amount integer check (amount > 0),
  max_discount integer check (max_discount > 0),
  buy_quantity integer check (buy_quantity >= 1),
  get_quantity integer check (get_quantity >= 1),
  currency text check (currency ~ '^[A-Z]{3}$'),
  min_subtotal integer check (min_subtotal > 0),
  -- lines it applies to: { productIds, skus, categories, brands }; empty: every line
  target jsonb not null default '{}'::jsonb,
  first_order boolean not null default false,
  customer_ids uuid[] not null default '{}',
  starts_at timestamptz,
  ends_at timestamptz,
  priority integer not null default 0,
  stacking text not null default 'combinable' check (stacking in ('exclusive', 'combinable')),
  usage_limit integer check (usage_limit >= 1),
  per_customer_limit integer check (per_customer_limit >= 1),
  uses integer not null default 0 check (uses >= 0),
  version integer not null default 1 check (version >= 1),
  created_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (ends_at is null or starts_at is null or ends_at > starts_at),
  check (usage_limit is null or uses <= usage_limit)
);
create index promotions_campaign on promotions (campaign_id);
create index promotions_active_automatic on promotions (priority desc) where status = 'active' and trigger = 'automatic';
create index promotions_name on promotions (lower(name) text_pattern_ops);

-- Bulk generations of codes (CSV export by batch).
create table code_batches (
  id uuid primary key,
  promotion_id uuid not null references promotions (id),
  count integer not null check (count >= 1),
  prefix text not null default '',
  usage_limit integer check (usage_limit >= 1),
  created_by text not null,
  created_at timestamptz not null default now()
);
create index code_batches_promotion on code_batches (promotion_id);

-- Codes are stored upper case (lookups upper-case what a shopper typed): case-insensitive.
-- `uses` counts held and committed uses of the code, bounded like the promotion's.
create table codes (
  id uuid primary key,
  promotion_id uuid not null references promotions (id),
  batch_id uuid references code_batches (id),
  code text not null unique check (code = upper(code)),
  usage_limit integer check (usage_limit >= 1),
  uses integer not null default 0 check (uses >= 0),
  created_at timestamptz not null default now(),
  check (usage_limit is null or uses <= usage_limit)
);
create index codes_promotion on codes (promotion_id, code);
create index codes_batch on codes (batch_id, code);

-- Held and committed uses per customer and promotion, for per-customer limits (same
-- conditional-update rule as promotions.uses).
create table customer_uses (
  promotion_id uuid not null references promotions (id),
  customer_id uuid not null,
  uses integer not null default 0 check (uses >= 0),
  primary key (promotion_id, customer_id)
);

-- What one checkout holds. One per checkout id: a repeated reserve finds it.
create table redemptions (
  id uuid primary key,
  checkout_id text not null unique,
  status text not null check (status in ('held', 'committed', 'released')),
  customer_id uuid,
  order_id text,
  release_reason text,
  fingerprint text not null,
  evaluation jsonb not null,
  expires_at timestamptz not null,
  created_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index redemptions_held_expiry on redemptions (expires_at) where status = 'held';
create index redemptions_customer on redemptions (customer_id) where status = 'committed';

-- Each promotion (and code) a redemption uses, with the amount it gave: usage reports.
create table redemption_uses (
  redemption_id uuid not null references redemptions (id),
  promotion_id uuid not null references promotions (id),
  code_id uuid references codes (id),
  customer_id uuid,
  amount integer not null check (amount >= 0),
  shipping_amount integer not null check (shipping_amount >= 0),
  currency text not null,
  status text not null check (status in ('held', 'committed', 'released')),
  primary key (redemption_id, promotion_id)
);
create index redemption_uses_promotion on redemption_uses (promotion_id, status);
