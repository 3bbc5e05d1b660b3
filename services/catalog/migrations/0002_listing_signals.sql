-- Signals other services publish, kept here so the listing can sort and filter on them
-- without calling anyone: ratings (review's rating.updated) and availability
-- (inventory's inventory.stock_changed).
alter table products
  add column rating_average numeric(3, 2) not null default 0 check (rating_average between 0 and 5),
  add column rating_count integer not null default 0 check (rating_count >= 0),
  -- the event time of the last rating applied: an older event that arrives late is ignored
  add column rating_as_of timestamptz;
create index products_rating on products (rating_average desc, rating_count desc) where status = 'active';

-- Availability per SKU (not per variant: a SKU may be published before its variant exists
-- here, and survives a SKU rename as a stale row that matches nothing).
create table sku_stock (
  sku text primary key,
  available integer not null check (available >= 0),
  backorder boolean not null default false,
  as_of timestamptz not null
);
