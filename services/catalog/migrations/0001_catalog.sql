create table brands (
  id uuid primary key,
  handle text not null unique,
  name text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- A tree: path is the materialized path of ids ('/root/child/'), so a subtree is one
-- `path like prefix%` scan and a move rewrites the prefix of every descendant.
create table categories (
  id uuid primary key,
  handle text not null unique,
  name text not null,
  parent_id uuid references categories (id),
  position integer not null default 0,
  path text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index categories_path on categories (path text_pattern_ops);

create table products (
  id uuid primary key,
  handle text not null unique,
  title text not null,
  description text,
  status text not null default 'draft' check (status in ('draft', 'active', 'archived')),
  brand_id uuid references brands (id),
  seller_id uuid,
  attributes jsonb not null default '{}'::jsonb,
  images jsonb not null default '[]'::jsonb,
  -- brand and category names, kept by the service so the generated vector can weigh them B
  search_terms text not null default '',
  search tsvector generated always as (
    setweight(to_tsvector('simple', title), 'A')
    || setweight(to_tsvector('simple', search_terms), 'B')
    || setweight(to_tsvector('simple', coalesce(description, '')), 'C')
  ) stored,
  version integer not null default 1 check (version >= 1),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index products_search on products using gin (search);
create index products_status_created on products (status, created_at desc);

create table product_categories (
  product_id uuid not null references products (id) on delete cascade,
  category_id uuid not null references categories (id),
  primary key (product_id, category_id)
);
create index product_categories_category on product_categories (category_id);

create table variants (
  id uuid primary key,
  product_id uuid not null references products (id) on delete cascade,
  sku text not null unique,
  options jsonb not null default '{}'::jsonb,
  price_amount bigint not null check (price_amount >= 0),
  currency char(3) not null,
  compare_at_amount bigint check (compare_at_amount >= 0),
  weight_grams integer check (weight_grams >= 0),
  barcode text,
  position integer not null default 0,
  version integer not null default 1 check (version >= 1),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index variants_product on variants (product_id, position);
