-- The purge worker's scan: carts expired longer ago than the retention, oldest first
-- (src/retention/cart-purge.ts deletes them in batches).
create index carts_expiry on carts (expires_at);
