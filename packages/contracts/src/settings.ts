import { Type, type Static } from 'typebox';

// Event data objects leave additionalProperties open on purpose: a newer producer may add
// optional fields (the only compatible change, ARCHITECTURE.md §6) and older readers must
// still accept its events. The envelope is the closed part.

const Action = Type.Union([Type.Literal('created'), Type.Literal('updated'), Type.Literal('deleted')], {
  description: 'what happened to the resource',
});

/** `setting.changed` v1: a setting was created, updated or deleted (subject = the setting key). */
export const SettingChangedV1 = Type.Object(
  {
    key: Type.String({ description: 'setting key, e.g. checkout.max_items' }),
    action: Action,
    value: Type.Unknown({ description: 'the value after the change (any JSON); null when deleted' }),
    previousValue: Type.Unknown({ description: 'the value before the change; null when created' }),
    version: Type.Integer({ minimum: 1, description: 'resource version after the change (a delete counts)' }),
    changedBy: Type.Union([Type.String(), Type.Null()], { description: 'acting user id, null when unknown' }),
  },
  { $id: 'SettingChangedV1' },
);
export type SettingChangedV1 = Static<typeof SettingChangedV1>;

/** A feature flag's state as carried by `feature_flag.changed`. */
export const FeatureFlagStateV1 = Type.Object({
  key: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  enabled: Type.Boolean(),
  rolloutPercentage: Type.Integer({ minimum: 0, maximum: 100 }),
  allowList: Type.Array(Type.String()),
  denyList: Type.Array(Type.String()),
  version: Type.Integer({ minimum: 1 }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type FeatureFlagStateV1 = Static<typeof FeatureFlagStateV1>;

/** `feature_flag.changed` v1: a flag was created, updated or deleted (subject = the flag key). */
export const FeatureFlagChangedV1 = Type.Object(
  {
    key: Type.String(),
    action: Action,
    flag: Type.Union([FeatureFlagStateV1, Type.Null()], {
      description: 'state after the change; null when deleted',
    }),
    version: Type.Integer({ minimum: 1, description: 'resource version after the change (a delete counts)' }),
  },
  { $id: 'FeatureFlagChangedV1' },
);
export type FeatureFlagChangedV1 = Static<typeof FeatureFlagChangedV1>;
