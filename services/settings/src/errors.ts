import { defineErrors } from '@mercato/platform/errors';

/** The settings service's error codes (listed in docs/errors.md). */
export const SettingsErrors = defineErrors({
  SETTINGS_SETTING_NOT_FOUND: { status: 404, title: 'Setting not found' },
  SETTINGS_FLAG_NOT_FOUND: { status: 404, title: 'Feature flag not found' },
  SETTINGS_FLAG_EXISTS: { status: 409, title: 'A feature flag with this key already exists' },
  SETTINGS_VALUE_INVALID: { status: 422, title: "The value does not match the setting's JSON Schema" },
  SETTINGS_SCHEMA_INVALID: { status: 400, title: 'The JSON Schema does not compile' },
});
