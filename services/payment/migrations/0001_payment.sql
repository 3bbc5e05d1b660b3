-- Payments: one authorization per row, for an order or a checkout. Amounts in minor units.
-- refund_reserved: refunds asked of the provider and not yet answered; captured_amount never
-- goes below refunded_amount + refund_reserved (the check makes concurrent refunds safe).
create table payments (
  id uuid primary key,
  order_id uuid,
  checkout_id text,
  customer_id text,
  email text,
  status text not null check (status in ('requires_action', 'processing', 'authorized', 'captured',
    'partially_refunded', 'refunded', 'voided', 'failed')),
  amount bigint not null check (amount > 0),
  currency char(3) not null,
  captured_amount bigint not null default 0 check (captured_amount between 0 and amount),
  refunded_amount bigint not null default 0 check (refunded_amount >= 0),
  refund_reserved bigint not null default 0 check (refund_reserved >= 0),
  provider text not null,
  provider_reference text,
  card_brand text,
  card_last4 text,
  card_exp_month integer,
  card_exp_year integer,
  card_country text,
  card_fingerprint text,
  saved_method_id uuid,
  next_action_url text,
  failure_code text,
  failure_message text,
  risk_score integer not null,
  risk_decision text not null check (risk_decision in ('allow', 'review', 'deny')),
  risk_reasons jsonb not null default '[]'::jsonb,
  ip_address text,
  -- A capture or void asked of the provider and not yet answered (one at a time per payment).
  pending_operation text,
  pending_since timestamptz,
  -- The Idempotency-Key of the authorization request: the payment is its record.
  idempotency_scope text not null,
  idempotency_key text not null,
  idempotency_fingerprint text not null,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (refunded_amount + refund_reserved <= captured_amount),
  unique (idempotency_scope, idempotency_key),
  unique (provider, provider_reference)
);
create index payments_order on payments (order_id, created_at desc) where order_id is not null;
create index payments_checkout on payments (checkout_id, created_at desc) where checkout_id is not null;
create index payments_created on payments (created_at desc, id desc);
-- Velocity rules count recent payments per card, email and IP.
create index payments_card_velocity on payments (card_fingerprint, created_at) where card_fingerprint is not null;
create index payments_email_velocity on payments (email, created_at) where email is not null;
create index payments_ip_velocity on payments (ip_address, created_at) where ip_address is not null;

create table refunds (
  id uuid primary key,
  payment_id uuid not null references payments (id),
  amount bigint not null check (amount > 0),
  currency char(3) not null,
  status text not null check (status in ('pending', 'succeeded', 'failed')),
  reason text,
  provider_reference text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index refunds_payment on refunds (payment_id, created_at);

-- The ledger: every call to the provider and every webhook, with amounts and references.
create table payment_transactions (
  id uuid primary key,
  payment_id uuid,
  kind text not null check (kind in ('authorize', 'capture', 'void', 'refund', 'webhook', 'save_method', 'delete_method')),
  status text not null check (status in ('succeeded', 'failed', 'pending', 'error', 'applied', 'ignored')),
  amount bigint,
  currency char(3),
  provider text not null,
  provider_reference text,
  provider_event_id text,
  idempotency_key text,
  detail jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
create index payment_transactions_payment on payment_transactions (payment_id, created_at);

-- Webhook events already handled (dedupe by the provider's event id).
create table webhook_events (
  provider text not null,
  event_id text not null,
  type text not null,
  payment_id uuid,
  outcome text not null,
  received_at timestamptz not null default now(),
  primary key (provider, event_id)
);

-- Saved cards: the provider's reusable token and what may be shown; never a number or CVC.
create table payment_methods (
  id uuid primary key,
  customer_id text not null,
  provider text not null,
  provider_token text not null,
  brand text not null,
  last4 text not null,
  exp_month integer not null,
  exp_year integer not null,
  country text,
  fingerprint text,
  created_at timestamptz not null default now(),
  deleted_at timestamptz,
  unique (provider, provider_token)
);
create index payment_methods_customer on payment_methods (customer_id, created_at) where deleted_at is null;
