import type { ColumnType } from '@mercato/platform/db';

/** A jsonb column: read parsed, written through the kit's `jsonb`. */
type Jsonb = ColumnType<unknown, unknown, unknown>;
type Defaulted<T> = ColumnType<T, T | undefined, T>;
type CreatedAt = ColumnType<Date, Date | undefined, never>;

export type Channel = 'email' | 'sms' | 'push';
export type Category = 'transactional' | 'marketing' | 'admin';
export type MessageStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'bounced' | 'failed';
export type AttemptOutcome = 'sent' | 'retry' | 'failed' | 'deferred' | 'delivered' | 'bounced';

export interface TemplatesTable {
  type: string;
  locale: string;
  subject: string;
  html: string;
  text: string;
  version: Defaulted<number>;
  updated_at: Defaulted<Date>;
  updated_by: string | null;
}

export interface ContactsTable {
  user_id: string;
  email: string;
  name: string | null;
  locale: Defaulted<string>;
  phone: string | null;
  updated_at: Defaulted<Date>;
}

export interface MessagesTable {
  id: string;
  dedupe_key: string;
  type: string;
  category: Category;
  channel: Channel;
  recipient: string;
  user_id: string | null;
  locale: string;
  subject: string;
  html: string;
  text: string;
  headers: Jsonb;
  /** AttachmentRef[]: files fetched when the message is sent. */
  attachments: ColumnType<unknown, unknown | undefined, unknown>;
  status: MessageStatus;
  attempts: Defaulted<number>;
  next_attempt_at: Date;
  provider_message_id: string | null;
  last_error: string | null;
  event_id: string | null;
  correlation_id: string | null;
  created_at: CreatedAt;
  updated_at: Defaulted<Date>;
  sent_at: Date | null;
}

export interface DeliveryAttemptsTable {
  id: string;
  message_id: string;
  attempt: number;
  outcome: AttemptOutcome;
  provider_response: string | null;
  duration_ms: Defaulted<number>;
  at: Defaulted<Date>;
  /** The provider's event id of a delivered/bounced report (each applied once). */
  provider_event_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface DevMailboxTable {
  id: string;
  message_id: string | null;
  channel: Channel;
  sender: string;
  recipient: string;
  subject: string;
  html: string;
  text: string;
  headers: Jsonb;
  /** KeptAttachment[]: what files the message carried (not their bytes). */
  attachments: ColumnType<unknown, unknown | undefined, unknown>;
  received_at: Defaulted<Date>;
}

export interface PreferencesTable {
  user_id: string;
  category: 'marketing';
  channel: Channel;
  enabled: boolean;
  updated_at: Defaulted<Date>;
}

export interface QuietHoursTable {
  user_id: string;
  start_minute: number;
  end_minute: number;
  time_zone: string;
  updated_at: Defaulted<Date>;
}

export interface OrderRecipientsTable {
  order_id: string;
  order_number: string;
  email: string;
  customer_id: string | null;
  created_at: Defaulted<Date>;
}

export interface StockAlertsTable {
  user_id: string;
  sku: string;
  email: string;
  locale: Defaulted<string>;
  created_at: Defaulted<Date>;
  notified_at: Date | null;
}

/** The notification schema as Kysely sees it (tables unqualified: `ctx.database.db` adds the schema). */
export interface NotificationDB {
  templates: TemplatesTable;
  contacts: ContactsTable;
  messages: MessagesTable;
  delivery_attempts: DeliveryAttemptsTable;
  dev_mailbox: DevMailboxTable;
  preferences: PreferencesTable;
  quiet_hours: QuietHoursTable;
  order_recipients: OrderRecipientsTable;
  stock_alerts: StockAlertsTable;
}
