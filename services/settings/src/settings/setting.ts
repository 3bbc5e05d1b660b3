// The setting's schema is part of settings' route contract (packages/contracts, settings-api.ts).
export { SETTING_KEY_PATTERN, SettingSchema, type Setting } from '@mercato/contracts';

/** What PUT /settings/:key carries. */
export interface SettingInput {
  value: unknown;
  schema?: unknown;
  description?: string | null;
}
