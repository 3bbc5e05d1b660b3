-- Typed settings: each key carries the JSON Schema its value must satisfy ({} = any JSON).
create table settings (
  key text primary key,
  description text,
  value jsonb not null,
  value_schema jsonb not null default '{}'::jsonb,
  version integer not null default 1 check (version >= 1),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  updated_by text
);

-- Feature flags, evaluated per subject: deny list, then allow list, then a stable hash rollout.
create table feature_flags (
  key text primary key,
  description text,
  enabled boolean not null default false,
  rollout_percentage integer not null default 100 check (rollout_percentage between 0 and 100),
  allow_list text[] not null default '{}',
  deny_list text[] not null default '{}',
  version integer not null default 1 check (version >= 1),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Every change to a setting or flag, written in the change's own transaction; kept after deletes.
create table audit_log (
  id uuid primary key,
  entity text not null check (entity in ('setting', 'feature_flag')),
  key text not null,
  action text not null check (action in ('created', 'updated', 'deleted')),
  before jsonb,
  after jsonb,
  actor text,
  correlation_id text,
  at timestamptz not null default now()
);
create index audit_log_entity_key_at on audit_log (entity, key, at desc);
