import type { ColumnType, Generated } from '@mercato/platform/db';

type CreatedAt = ColumnType<Date, Date | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | undefined, Date>;

export interface CustomersTable {
  id: string;
  email: string | null;
  name: string | null;
  phone: string | null;
  locale: string | null;
  marketing_consent: Generated<boolean>;
  consent_changed_at: Date | null;
  consent_source: string | null;
  points_balance: Generated<number>;
  tier: Generated<string>;
  anonymized_at: Date | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface AddressesTable {
  id: string;
  customer_id: string;
  label: string | null;
  name: string;
  company: string | null;
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postal_code: string | null;
  country: string;
  phone: string | null;
  default_shipping: boolean;
  default_billing: boolean;
  created_at: CreatedAt;
}

export interface LoyaltyMovementsTable {
  id: string;
  customer_id: string;
  delta: number;
  balance_after: number;
  reason: 'earned' | 'reverted' | 'adjusted';
  reference: string | null;
  note: string | null;
  actor: string | null;
  created_at: CreatedAt;
}

export interface ShopSettingsTable {
  key: string;
  value: ColumnType<unknown, unknown, unknown>;
  version: number;
}

export interface OrderTotalsTable {
  order_id: string;
  customer_id: string;
  amount: number;
  refunded: Generated<number>;
  currency: string;
}

/** The customer schema as Kysely sees it (tables unqualified: `ctx.database.db` adds the schema). */
export interface CustomerDB {
  customers: CustomersTable;
  addresses: AddressesTable;
  loyalty_movements: LoyaltyMovementsTable;
  shop_settings: ShopSettingsTable;
  order_totals: OrderTotalsTable;
}
