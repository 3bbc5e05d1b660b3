import { Type, type Static } from 'typebox';

/** Setting keys: lower case, dots/dashes/underscores, 2–100 characters. */
export const SETTING_KEY_PATTERN = '^[a-z][a-z0-9_.-]{1,99}$';

/** A setting as the API returns it. */
export const SettingSchema = Type.Object({
  key: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  value: Type.Unknown({ description: 'any JSON that satisfies `schema`' }),
  schema: Type.Unknown({ description: 'the JSON Schema (draft-07) of the value; {} = any JSON' }),
  version: Type.Integer({ minimum: 1 }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
});
export type Setting = Static<typeof SettingSchema>;

/** What PUT /settings/:key carries. */
export interface SettingInput {
  value: unknown;
  schema?: unknown;
  description?: string | null;
}
