import type { ColumnType, Generated } from '@mercato/platform/db';

/** A jsonb column: read parsed, written through the kit's `jsonb`. */
type Jsonb = ColumnType<unknown, unknown, unknown>;
type CreatedAt = ColumnType<Date, Date | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | undefined, Date>;
/** A bigint amount in minor units: both drivers read int8 as a string (no precision loss). */
type BigAmount = ColumnType<string, number, number>;

export type LifecycleStatus = 'active' | 'paused' | 'archived';
export type RedemptionState = 'held' | 'committed' | 'released';

export interface CampaignsTable {
  id: string;
  name: string;
  description: string | null;
  status: Generated<LifecycleStatus>;
  starts_at: Date | null;
  ends_at: Date | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface PromotionsTable {
  id: string;
  campaign_id: string | null;
  name: string;
  description: string | null;
  kind: 'percentage' | 'fixed_amount' | 'free_shipping' | 'buy_x_get_y';
  trigger: 'automatic' | 'code';
  status: Generated<LifecycleStatus>;
  percent_bps: number | null;
  amount: number | null;
  max_discount: number | null;
  buy_quantity: number | null;
  get_quantity: number | null;
  currency: string | null;
  min_subtotal: number | null;
  target: Jsonb;
  first_order: Generated<boolean>;
  customer_ids: ColumnType<string[], string[] | undefined, string[]>;
  starts_at: Date | null;
  ends_at: Date | null;
  priority: Generated<number>;
  stacking: Generated<'exclusive' | 'combinable'>;
  usage_limit: number | null;
  per_customer_limit: number | null;
  uses: Generated<number>;
  version: Generated<number>;
  created_by: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface CodeBatchesTable {
  id: string;
  promotion_id: string;
  count: number;
  prefix: Generated<string>;
  usage_limit: number | null;
  created_by: string;
  created_at: CreatedAt;
}

export interface CodesTable {
  id: string;
  promotion_id: string;
  batch_id: string | null;
  code: string;
  usage_limit: number | null;
  uses: Generated<number>;
  created_at: CreatedAt;
}

export interface CustomerUsesTable {
  promotion_id: string;
  customer_id: string;
  uses: Generated<number>;
}

export interface RedemptionsTable {
  id: string;
  checkout_id: string;
  status: RedemptionState;
  customer_id: string | null;
  order_id: string | null;
  release_reason: string | null;
  fingerprint: string;
  evaluation: Jsonb;
  expires_at: Date;
  created_by: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface RedemptionUsesTable {
  redemption_id: string;
  promotion_id: string;
  code_id: string | null;
  customer_id: string | null;
  amount: BigAmount;
  shipping_amount: BigAmount;
  currency: string;
  status: RedemptionState;
}

/** The discount schema as Kysely sees it (tables unqualified: `ctx.database.db` adds the schema). */
export interface DiscountDB {
  campaigns: CampaignsTable;
  promotions: PromotionsTable;
  code_batches: CodeBatchesTable;
  codes: CodesTable;
  customer_uses: CustomerUsesTable;
  redemptions: RedemptionsTable;
  redemption_uses: RedemptionUsesTable;
}
