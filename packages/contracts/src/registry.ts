import type { TSchema } from 'typebox';
import { FeatureFlagChangedV1, SettingChangedV1 } from './settings.ts';

/** One published event schema: its type, version and data schema. */
export interface EventSchemaEntry {
  type: string;
  version: number;
  schema: TSchema;
}

/**
 * Every event data schema Mercato publishes. schemas.test.ts snapshots each entry under
 * snapshots/<type>.v<version>.json and fails on an incompatible change; a breaking change
 * is a new version listed beside the old one.
 */
export const eventSchemas: EventSchemaEntry[] = [
  { type: 'setting.changed', version: 1, schema: SettingChangedV1 },
  { type: 'feature_flag.changed', version: 1, schema: FeatureFlagChangedV1 },
];
