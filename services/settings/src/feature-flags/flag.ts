import { FeatureFlagStateV1 } from '@mercato/contracts';
import { Nullable } from '@mercato/platform/http';
import { Type, type Static } from 'typebox';

/** Flag keys follow the setting key rule. */
export const FLAG_KEY_PATTERN = '^[a-z][a-z0-9_.-]{1,99}$';

/** A flag as the API returns it: the same shape its `feature_flag.changed` event carries. */
export const FeatureFlagSchema = FeatureFlagStateV1;
export type FeatureFlag = Static<typeof FeatureFlagSchema>;

export const EvaluationReason = Type.Union([
  Type.Literal('flag_disabled'),
  Type.Literal('denied'),
  Type.Literal('allow_listed'),
  Type.Literal('in_rollout'),
  Type.Literal('not_in_rollout'),
]);
export type EvaluationReason = Static<typeof EvaluationReason>;

export const EvaluationSchema = Type.Object({
  key: Type.String(),
  subject: Type.String(),
  enabled: Type.Boolean(),
  reason: EvaluationReason,
});
export type Evaluation = Static<typeof EvaluationSchema>;

const Subjects = Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
  maxItems: 1000,
  description: 'subjects (user ids, shop ids …); duplicates are dropped',
});

/** POST /feature-flags body. */
export const CreateFlagBody = Type.Object(
  {
    key: Type.String({ pattern: FLAG_KEY_PATTERN, examples: ['new-checkout'] }),
    description: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    enabled: Type.Boolean({ default: false }),
    rolloutPercentage: Type.Integer({ minimum: 0, maximum: 100, default: 100 }),
    allowList: Type.Optional(Subjects),
    denyList: Type.Optional(Subjects),
  },
  { additionalProperties: false, examples: [{ key: 'new-checkout', enabled: true, rolloutPercentage: 25 }] },
);
export type CreateFlagInput = Static<typeof CreateFlagBody>;

/** PATCH /feature-flags/:key body: any subset of the changeable fields. */
export const UpdateFlagBody = Type.Object(
  {
    description: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    enabled: Type.Optional(Type.Boolean()),
    rolloutPercentage: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    allowList: Type.Optional(Subjects),
    denyList: Type.Optional(Subjects),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateFlagInput = Static<typeof UpdateFlagBody>;
