-- Reservations are written by batches planned in the service (reservation-batcher.ts):
-- the row locks, the key lookup and the multi-row writes of many requests share one
-- transaction, which the one-reservation function no longer fits.
drop function reserve_stock(uuid, text, text[], integer[], jsonb, text, text, jsonb, text, text, text, text);

-- inventory.stock_changed by SKU: what was last published and whether the levels changed
-- since (dirty). Writers mark a SKU in the transaction that changes its levels (an upsert:
-- the row lock keeps the publisher from clearing the mark before that transaction commits);
-- the publisher (stock-signals.ts) takes dirty rows with SKIP LOCKED and publishes the
-- availability it reads then — at once when the SKU became sellable or unsellable, else at
-- most once per steady interval — so a SKU changing many times a second gives few events,
-- each one current.
create table stock_signals (
  sku text primary key,
  dirty boolean not null default true,
  changed_at timestamptz not null default now(),
  published_available integer,
  published_backorder boolean,
  published_at timestamptz
);
create index stock_signals_dirty on stock_signals (sku) where dirty;
