-- "Tell me when SKU X is back": one row per account and SKU. inventory.stock_changed with
-- stock (or backorder) sends the email and sets notified_at; asking again re-arms the row.
create table stock_alerts (
  user_id uuid not null,
  sku text not null,
  email text not null,
  locale text not null default 'en',
  created_at timestamptz not null default now(),
  notified_at timestamptz,
  primary key (user_id, sku)
);
create index stock_alerts_pending on stock_alerts (sku) where notified_at is null;
