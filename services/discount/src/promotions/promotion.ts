import { PromotionKindSchema } from '@mercato/contracts';
import { PageQuery } from '@mercato/platform/http';
import { Type, type Static } from 'typebox';

// A promotion as the admin API shows and takes it. Percentages are given as percentOff
// (12.5 = 12.5 %) and kept as basis points; money is integer minor units of `currency`.

const Uuid = Type.String({ format: 'uuid' });
const DateTime = Type.String({ format: 'date-time' });
const Currency = Type.String({ pattern: '^[A-Z]{3}$' });
const Lifecycle = Type.Union([Type.Literal('active'), Type.Literal('paused'), Type.Literal('archived')]);
const Trigger = Type.Union([Type.Literal('automatic'), Type.Literal('code')], {
  description: 'automatic: applies by itself when its conditions hold; code: only with one of its codes',
});
const Stacking = Type.Union([Type.Literal('exclusive'), Type.Literal('combinable')], {
  description: 'exclusive: applies alone (when it ranks first) or not at all',
});

/** Which lines a promotion applies to; every list given must match (an empty target: every line). */
export const TargetSchema = Type.Object(
  {
    productIds: Type.Optional(Type.Array(Uuid, { maxItems: 1000, uniqueItems: true })),
    skus: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 1000, uniqueItems: true }),
    ),
    categories: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
        maxItems: 200,
        uniqueItems: true,
        description:
          'category ids or handles; a handle matches its sub-categories too (lines carry their ancestors’ handles)',
      }),
    ),
    brands: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
        maxItems: 200,
        uniqueItems: true,
        description: 'brand ids or handles',
      }),
    ),
  },
  { additionalProperties: false },
);
export type Target = Static<typeof TargetSchema>;

const fields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Union([Type.String({ maxLength: 2000 }), Type.Null()]),
  campaignId: Type.Union([Uuid, Type.Null()]),
  kind: PromotionKindSchema,
  trigger: Trigger,
  status: Lifecycle,
  percentOff: Type.Union([Type.Number({ minimum: 0.01, maximum: 100 }), Type.Null()], {
    description:
      'percentage and buy_x_get_y (off the free units; default 100): percent, two decimals at most',
  }),
  amountOff: Type.Union([Type.Integer({ minimum: 1, maximum: 100_000_000 }), Type.Null()], {
    description: 'fixed_amount: minor units of currency',
  }),
  maxDiscount: Type.Union([Type.Integer({ minimum: 1, maximum: 100_000_000 }), Type.Null()], {
    description: 'percentage: a cap in minor units of currency',
  }),
  buyQuantity: Type.Union([Type.Integer({ minimum: 1, maximum: 100 }), Type.Null()]),
  getQuantity: Type.Union([Type.Integer({ minimum: 1, maximum: 100 }), Type.Null()]),
  currency: Type.Union([Currency, Type.Null()], {
    description: 'the only currency it applies in; required with amountOff, maxDiscount or minSubtotal',
  }),
  minSubtotal: Type.Union([Type.Integer({ minimum: 1, maximum: 2_000_000_000 }), Type.Null()], {
    description: 'the lines it applies to must come to at least this (minor units of currency)',
  }),
  target: TargetSchema,
  firstOrder: Type.Boolean(),
  customerIds: Type.Array(Uuid, {
    maxItems: 10_000,
    uniqueItems: true,
    description: 'allow-list; empty: everyone',
  }),
  startsAt: Type.Union([DateTime, Type.Null()]),
  endsAt: Type.Union([DateTime, Type.Null()]),
  priority: Type.Integer({ minimum: -1000, maximum: 1000, description: 'higher applies first' }),
  stacking: Stacking,
  usageLimit: Type.Union([Type.Integer({ minimum: 1, maximum: 1_000_000_000 }), Type.Null()], {
    description: 'uses in all (held and committed)',
  }),
  perCustomerLimit: Type.Union([Type.Integer({ minimum: 1, maximum: 1_000_000 }), Type.Null()]),
};

export const PromotionSchema = Type.Object(
  {
    id: Uuid,
    ...fields,
    uses: Type.Integer({ description: 'held and committed uses' }),
    version: Type.Integer(),
    createdBy: Type.String(),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'Promotion' },
);
export type Promotion = Static<typeof PromotionSchema>;

const optional = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Type.Optional(v)])) as {
  [K in keyof typeof fields]: ReturnType<typeof Type.Optional<(typeof fields)[K]>>;
};

export const CreatePromotionBody = Type.Object(
  { ...optional, name: fields.name, kind: fields.kind, trigger: fields.trigger },
  {
    additionalProperties: false,
    examples: [
      { name: 'Welcome 10 %', kind: 'percentage', trigger: 'code', percentOff: 10, perCustomerLimit: 1 },
    ],
  },
);
export type CreatePromotionInput = Static<typeof CreatePromotionBody>;

export const UpdatePromotionBody = Type.Object(optional, { additionalProperties: false, minProperties: 1 });
export type UpdatePromotionInput = Static<typeof UpdatePromotionBody>;

export const PromotionQuery = Type.Object({
  ...PageQuery,
  search: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'matches the name' })),
  status: Type.Optional(Lifecycle),
  kind: Type.Optional(PromotionKindSchema),
  trigger: Type.Optional(Trigger),
  campaignId: Type.Optional(Uuid),
});
export type PromotionFilter = Static<typeof PromotionQuery>;

/** What the evaluation needs of a promotion (and of its campaign's schedule). */
export interface PromotionRule {
  id: string;
  name: string;
  kind: Promotion['kind'];
  trigger: Promotion['trigger'];
  status: Promotion['status'];
  percentBps: number | null;
  amountOff: number | null;
  maxDiscount: number | null;
  buyQuantity: number | null;
  getQuantity: number | null;
  currency: string | null;
  minSubtotal: number | null;
  target: Target;
  firstOrder: boolean;
  customerIds: readonly string[];
  /** Its own window intersected with its campaign's (null: open). */
  startsAt: Date | null;
  endsAt: Date | null;
  /** false when its campaign is paused or archived. */
  campaignActive: boolean;
  priority: number;
  stacking: Promotion['stacking'];
  usageLimit: number | null;
  perCustomerLimit: number | null;
  uses: number;
  createdAt: Date;
}

const Count = Type.Integer({ minimum: 0 });

/** How a promotion has been used: holds, redemptions, releases, amounts per currency. */
export const UsageReportSchema = Type.Object({
  promotionId: Uuid,
  usageLimit: Type.Union([Type.Integer(), Type.Null()]),
  uses: Type.Integer({ description: 'held and committed now (what the limit counts)' }),
  held: Count,
  committed: Count,
  released: Count,
  customers: Type.Integer({ description: 'distinct customers with a committed redemption' }),
  amounts: Type.Array(
    Type.Object({
      currency: Currency,
      discount: Count,
      shippingDiscount: Count,
    }),
    { description: 'what committed redemptions gave, per currency' },
  ),
  codes: Type.Object({
    total: Count,
    used: Type.Integer({ description: 'codes with at least one held or committed use' }),
  }),
});
export type UsageReport = Static<typeof UsageReportSchema>;
