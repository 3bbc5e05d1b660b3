-- Transactional outbox: written in the caller's transaction, published by the relay in seq order.
create table outbox (
  seq bigserial primary key,
  id uuid not null unique,
  type text not null,
  envelope jsonb not null,
  created_at timestamptz not null default now(),
  attempts integer not null default 0,
  last_error text
);

-- Inbox: one row per (consumer, event) handled, written in the handler's transaction.
create table inbox (
  consumer text not null,
  event_id uuid not null,
  processed_at timestamptz not null default now(),
  primary key (consumer, event_id)
);
create index inbox_processed_at on inbox (processed_at);

-- Events a consumer gave up on after N attempts; listed and replayed by an admin endpoint.
create table dead_letters (
  id uuid primary key,
  consumer text not null,
  event_id uuid not null,
  event_type text not null,
  envelope jsonb not null,
  error text not null,
  attempts integer not null,
  created_at timestamptz not null default now(),
  replayed_at timestamptz,
  unique (consumer, event_id)
);
create index dead_letters_open on dead_letters (created_at) where replayed_at is null;
