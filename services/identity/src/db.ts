import type { ColumnType, Generated } from '@mercato/platform/db';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Jsonb = ColumnType<unknown, string, string>;

export interface UsersTable {
  id: string;
  email: string;
  password_hash: string;
  status: 'active' | 'disabled';
  roles: string[];
  tier: 'authenticated' | 'premium';
  email_verified_at: NullableTimestamp;
  failed_logins: Generated<number>;
  first_failed_at: NullableTimestamp;
  locked_until: NullableTimestamp;
  mfa_secret: string | null;
  mfa_enabled_at: NullableTimestamp;
  password_changed_at: Generated<Date>;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface EmailTokensTable {
  id: string;
  user_id: string;
  purpose: 'verify_email' | 'reset_password';
  token_hash: string;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
  created_at: Generated<Date>;
}

export interface KnownDevicesTable {
  user_id: string;
  device_hash: string;
  user_agent: string;
  first_seen_at: Generated<Date>;
  last_seen_at: Timestamp;
}

export interface RefreshTokensTable {
  id: string;
  family_id: string;
  user_id: string;
  client_id: string | null;
  scope: Generated<string>;
  token_hash: string;
  expires_at: Timestamp;
  rotated_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  created_at: Generated<Date>;
}

export interface MfaRecoveryCodesTable {
  id: string;
  user_id: string;
  code_hash: string;
  used_at: NullableTimestamp;
  created_at: Generated<Date>;
}

export interface ApiKeysTable {
  id: string;
  user_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  permissions: string[];
  expires_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  last_used_at: NullableTimestamp;
  created_at: Generated<Date>;
}

export interface OauthClientsTable {
  client_id: string;
  name: string;
  secret_hash: string | null;
  scopes: string[];
  grant_types: string[];
  disabled_at: NullableTimestamp;
  created_at: Generated<Date>;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  public_jwk: Jsonb;
  private_jwk: Jsonb;
  created_at: Generated<Date>;
  retired_at: NullableTimestamp;
}

export interface SecurityEventsTable {
  id: string;
  user_id: string | null;
  type: string;
  detail: Jsonb;
  correlation_id: string | null;
  at: Generated<Date>;
}

/** The identity schema as Kysely sees it (`ctx.database.db` adds the schema). */
export interface IdentityDB {
  users: UsersTable;
  email_tokens: EmailTokensTable;
  refresh_tokens: RefreshTokensTable;
  known_devices: KnownDevicesTable;
  mfa_recovery_codes: MfaRecoveryCodesTable;
  api_keys: ApiKeysTable;
  oauth_clients: OauthClientsTable;
  signing_keys: SigningKeysTable;
  security_events: SecurityEventsTable;
}
