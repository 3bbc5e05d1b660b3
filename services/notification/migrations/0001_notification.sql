-- The notification service's tables (schema `notification`; search_path is set by the migrator).

-- Templates per notification type and locale. The shipped defaults (src/templates/defaults.ts)
-- answer where no row exists; an admin's edit is a row here.
create table templates (
  type text not null,
  locale text not null,
  subject text not null,
  html text not null,
  text text not null,
  version integer not null default 1,
  updated_at timestamptz not null default now(),
  updated_by text,
  primary key (type, locale)
);

-- What the service knows of an account, fed by identity's events: where to write to.
create table contacts (
  user_id uuid primary key,
  email text not null,
  name text,
  locale text not null default 'en',
  phone text,
  updated_at timestamptz not null default now()
);

-- One message to one recipient over one channel, rendered when it was queued. The delivery
-- log is this row (its status) and its attempts. dedupe_key makes a redelivered or replayed
-- event a no-op: `<event id>:<channel>:<recipient>`.
create table messages (
  id uuid primary key,
  dedupe_key text not null unique,
  type text not null,
  category text not null check (category in ('transactional', 'marketing', 'admin')),
  channel text not null check (channel in ('email', 'sms', 'push')),
  recipient text not null,
  user_id uuid,
  locale text not null,
  subject text not null,
  html text not null,
  text text not null,
  headers jsonb not null default '{}',
  status text not null check (status in ('queued', 'sending', 'sent', 'delivered', 'bounced', 'failed')),
  attempts integer not null default 0,
  -- queued: when it is due; sending: when the claim lapses (a crashed sender's message is due again).
  next_attempt_at timestamptz not null,
  provider_message_id text,
  last_error text,
  event_id uuid,
  correlation_id text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  sent_at timestamptz
);
create index messages_due on messages (next_attempt_at) where status in ('queued', 'sending');
create index messages_recipient_sent on messages (recipient, sent_at) where sent_at is not null;
create index messages_status_created on messages (status, created_at desc);

-- Every attempt and deferral with the provider's answer.
create table delivery_attempts (
  id uuid primary key,
  message_id uuid not null references messages (id) on delete cascade,
  attempt integer not null,
  outcome text not null check (outcome in ('sent', 'retry', 'failed', 'deferred')),
  provider_response text,
  duration_ms integer not null default 0,
  at timestamptz not null default now()
);
create index delivery_attempts_message on delivery_attempts (message_id, at);

-- The development mailbox (embedded mode) and the recording SMS/push providers: what would
-- have left the building, for a newcomer to read at GET /api/v1/notifications/dev-mailbox.
create table dev_mailbox (
  id uuid primary key,
  message_id uuid,
  channel text not null,
  sender text not null,
  recipient text not null,
  subject text not null,
  html text not null,
  text text not null,
  headers jsonb not null default '{}',
  received_at timestamptz not null default now()
);
create index dev_mailbox_recipient on dev_mailbox (recipient, received_at desc);
create index dev_mailbox_received on dev_mailbox (received_at desc);

-- Preferences per account, category and channel. Transactional messages are always sent;
-- marketing only where a row says enabled (opt-in).
create table preferences (
  user_id uuid not null,
  category text not null check (category in ('marketing')),
  channel text not null check (channel in ('email', 'sms', 'push')),
  enabled boolean not null,
  updated_at timestamptz not null default now(),
  primary key (user_id, category, channel)
);

-- Quiet hours per account: marketing messages falling inside wait until they end.
create table quiet_hours (
  user_id uuid primary key,
  start_minute integer not null check (start_minute between 0 and 1439),
  end_minute integer not null check (end_minute between 0 and 1439),
  time_zone text not null,
  updated_at timestamptz not null default now()
);
