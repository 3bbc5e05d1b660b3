-- The saga engine's tables (packages/platform/src/saga), in the schema of the service that
-- owns the sagas. One row per saga, updated after every transition; its history beside it.
create table sagas (
  id text primary key,
  type text not null,
  -- running | waiting | compensating | completed | failed | stuck
  status text not null,
  -- running/waiting: the index of the step to run; compensating: how many steps are left to undo
  step integer not null default 0,
  attempt integer not null default 0,
  input jsonb not null,
  -- what each done step returned, by step name
  data jsonb not null default '{}',
  -- what the outside told waiting steps, by step name
  signals jsonb not null default '{}',
  -- { code, message, step, detail }
  failure jsonb,
  deadline_at timestamptz not null,
  wake_at timestamptz not null,
  waiting_since timestamptz,
  lease_owner text,
  lease_until timestamptz,
  version integer not null default 1,
  created_at timestamptz not null,
  updated_at timestamptz not null
);

create index sagas_due on sagas (wake_at) where status in ('running', 'waiting', 'compensating');
create index sagas_by_status on sagas (status, created_at);

create table saga_history (
  id bigint generated always as identity primary key,
  saga_id text not null references sagas (id) on delete cascade,
  step text not null,
  -- action | compensation | saga
  phase text not null,
  -- done | retry | waiting | failed | timeout | started | completed | compensated | stuck
  outcome text not null,
  attempt integer not null,
  error text,
  duration_ms integer not null default 0,
  at timestamptz not null
);

create index saga_history_by_saga on saga_history (saga_id, id);
