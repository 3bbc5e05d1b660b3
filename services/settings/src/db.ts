import type { ColumnType, Generated } from '@mercato/platform/db';

/**
 * A jsonb column: read as parsed JSON, written through the kit's `jsonb` (a `::jsonb` cast of
 * the JSON text), because node-postgres would turn a JS array into a Postgres array literal.
 */
type Jsonb = ColumnType<unknown, unknown, unknown>;
type CreatedAt = ColumnType<Date, Date | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | undefined, Date>;

export interface SettingsTable {
  key: string;
  description: string | null;
  value: Jsonb;
  value_schema: Jsonb;
  version: number;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  updated_by: string | null;
}

export interface FeatureFlagsTable {
  key: string;
  description: string | null;
  enabled: boolean;
  rollout_percentage: number;
  allow_list: string[];
  deny_list: string[];
  version: number;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface AuditLogTable {
  id: string;
  entity: 'setting' | 'feature_flag';
  key: string;
  action: 'created' | 'updated' | 'deleted';
  before: Jsonb;
  after: Jsonb;
  actor: string | null;
  correlation_id: string | null;
  at: Generated<Date>;
}

/** The settings schema as Kysely sees it (tables unqualified: `ctx.database.db` adds the schema). */
export interface SettingsDB {
  settings: SettingsTable;
  feature_flags: FeatureFlagsTable;
  audit_log: AuditLogTable;
}
