import type { ColumnType, Generated } from '@mercato/platform/db';

type Jsonb = ColumnType<unknown, unknown, unknown>;
type CreatedAt = ColumnType<Date, Date | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | undefined, Date>;
/** bigint columns: node-postgres and PGlite read them as strings or numbers; the repository converts. */
type Amount = ColumnType<string | number, number, number>;

export interface PaymentsTable {
  id: string;
  order_id: string | null;
  checkout_id: string | null;
  customer_id: string | null;
  email: string | null;
  status: string;
  amount: Amount;
  currency: string;
  captured_amount: ColumnType<string | number, number | undefined, number>;
  refunded_amount: ColumnType<string | number, number | undefined, number>;
  refund_reserved: ColumnType<string | number, number | undefined, number>;
  provider: string;
  provider_reference: string | null;
  card_brand: string | null;
  card_last4: string | null;
  card_exp_month: number | null;
  card_exp_year: number | null;
  card_country: string | null;
  card_fingerprint: string | null;
  saved_method_id: string | null;
  next_action_url: string | null;
  failure_code: string | null;
  failure_message: string | null;
  risk_score: number;
  risk_decision: string;
  risk_reasons: Jsonb;
  ip_address: string | null;
  pending_operation: string | null;
  pending_since: Date | null;
  idempotency_scope: string;
  idempotency_key: string;
  idempotency_fingerprint: string;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface RefundsTable {
  id: string;
  payment_id: string;
  amount: Amount;
  currency: string;
  status: string;
  reason: string | null;
  provider_reference: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface PaymentTransactionsTable {
  id: string;
  payment_id: string | null;
  kind: string;
  status: string;
  amount: ColumnType<string | number | null, number | null | undefined, never>;
  currency: string | null;
  provider: string;
  provider_reference: string | null;
  provider_event_id: string | null;
  idempotency_key: string | null;
  detail: Jsonb;
  created_at: CreatedAt;
}

export interface WebhookEventsTable {
  provider: string;
  event_id: string;
  type: string;
  payment_id: string | null;
  outcome: string;
  received_at: CreatedAt;
}

export interface PaymentMethodsTable {
  id: string;
  customer_id: string;
  provider: string;
  provider_token: string;
  brand: string;
  last4: string;
  exp_month: number;
  exp_year: number;
  country: string | null;
  fingerprint: string | null;
  created_at: CreatedAt;
  deleted_at: Date | null;
}

/** The payment schema as Kysely sees it (tables unqualified: `ctx.database.db` adds the schema). */
export interface PaymentDB {
  payments: PaymentsTable;
  refunds: RefundsTable;
  payment_transactions: PaymentTransactionsTable;
  webhook_events: WebhookEventsTable;
  payment_methods: PaymentMethodsTable;
}
