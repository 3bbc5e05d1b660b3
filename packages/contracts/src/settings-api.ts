import { Type, type Static } from 'typebox';
import { defineRoutes } from './http.ts';

// The settings reads other services make (the cart's tax rates and currency): the setting's
// schema lives here so settings mounts the route and callers' typed clients read it from one place.

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

/** Settings' routes that other services call. */
export const settingsApi = defineRoutes({
  getSetting: {
    method: 'GET',
    path: '/api/v1/settings/:key',
    summary: 'Get a setting (ETag = version)',
    params: Type.Object({ key: Type.String({ pattern: SETTING_KEY_PATTERN }) }),
    response: { 200: SettingSchema },
    errors: [400, 404],
  },
});
