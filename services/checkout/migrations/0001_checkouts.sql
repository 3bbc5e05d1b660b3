-- A checkout: who asked for it with which Idempotency-Key, and what the saga (tables `sagas`
-- and `saga_history`, made by the kit's saga engine in this schema) needs to show beside
-- its own state: the payment and its 3-D Secure page while the buyer answers it.
create table checkouts (
  id text primary key,
  -- the caller's idempotency scope (route and principal) and key: same key, same checkout
  idem_scope text not null,
  idem_key text not null,
  -- the request's fingerprint: the same key with another body is refused (422)
  fingerprint text not null,
  cart_id text not null,
  customer_id text,
  email text not null,
  payment_id text,
  action_url text,
  -- when checkout.completed / checkout.failed was written to the outbox
  announced_at timestamptz,
  created_at timestamptz not null,
  unique (idem_scope, idem_key)
);

create index checkouts_unannounced on checkouts (created_at) where announced_at is null;
create index checkouts_by_customer on checkouts (customer_id, created_at);
