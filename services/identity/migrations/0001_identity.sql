-- Users and their credentials. Emails are stored lower-cased; uniqueness is on that form.
create table users (
  id uuid primary key,
  email text not null unique,
  password_hash text not null,
  status text not null default 'active' check (status in ('active', 'disabled')),
  roles text[] not null default '{customer}',
  tier text not null default 'authenticated' check (tier in ('authenticated', 'premium')),
  email_verified_at timestamptz,
  failed_logins integer not null default 0,
  first_failed_at timestamptz,
  locked_until timestamptz,
  mfa_secret text,
  mfa_enabled_at timestamptz,
  password_changed_at timestamptz not null default now(),
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index users_created_at on users (created_at);

-- Single-use tokens sent by email (verification, password reset); only their hash is kept.
create table email_tokens (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  purpose text not null check (purpose in ('verify_email', 'reset_password')),
  token_hash text not null unique,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now()
);
create index email_tokens_user on email_tokens (user_id, purpose);

-- Rotating refresh tokens, grouped in families: reuse of a rotated one revokes the family.
create table refresh_tokens (
  id uuid primary key,
  family_id uuid not null,
  user_id uuid not null references users (id) on delete cascade,
  client_id text,
  scope text not null default '',
  token_hash text not null unique,
  expires_at timestamptz not null,
  rotated_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now()
);
create index refresh_tokens_family on refresh_tokens (family_id);
create index refresh_tokens_user on refresh_tokens (user_id) where revoked_at is null;

create table mfa_recovery_codes (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  code_hash text not null,
  used_at timestamptz,
  created_at timestamptz not null default now()
);
create index mfa_recovery_codes_user on mfa_recovery_codes (user_id);

-- API keys: shown once; the prefix finds the row, the hash proves the key.
create table api_keys (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  name text not null,
  prefix text not null unique,
  key_hash text not null,
  permissions text[] not null default '{}',
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz,
  created_at timestamptz not null default now()
);
create index api_keys_user on api_keys (user_id);

-- OAuth clients (service accounts) for the client_credentials grant and first-party apps.
create table oauth_clients (
  client_id text primary key,
  name text not null,
  secret_hash text,
  scopes text[] not null default '{}',
  grant_types text[] not null default '{client_credentials}',
  disabled_at timestamptz,
  created_at timestamptz not null default now()
);

-- Token signing keys (EdDSA). The newest active key signs; the previous one still verifies.
create table signing_keys (
  kid text primary key,
  alg text not null,
  public_jwk jsonb not null,
  private_jwk jsonb not null,
  created_at timestamptz not null default now(),
  retired_at timestamptz
);

-- Security-relevant happenings (refresh token reuse, lockouts, MFA changes) for audit.
create table security_events (
  id uuid primary key,
  user_id uuid,
  type text not null,
  detail jsonb not null default '{}',
  correlation_id text,
  at timestamptz not null default now()
);
create index security_events_user on security_events (user_id, at desc);
