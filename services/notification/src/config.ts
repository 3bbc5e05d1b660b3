import { Type, type Static } from 'typebox';

/** The notification service's settings (environment). */
export const NotificationConfigSchema = Type.Object({
  SMTP_URL: Type.Optional(
    Type.String({
      pattern: '^smtps?://',
      description:
        'SMTP server to send email through (smtp://user:pass@host:587); without it email goes to the development mailbox',
    }),
  ),
  NOTIFICATION_SHOP_NAME: Type.String({
    default: 'Mercato',
    minLength: 1,
    description: 'the shop name in messages',
  }),
  MAIL_FROM: Type.String({ default: 'Mercato <no-reply@mercato.local>', minLength: 3 }),
  SMS_WEBHOOK_URL: Type.Optional(
    Type.String({ pattern: '^https?://', description: 'SMS provider webhook; without it SMS are recorded' }),
  ),
  PUSH_WEBHOOK_URL: Type.Optional(
    Type.String({
      pattern: '^https?://',
      description: 'push provider webhook; without it pushes are recorded',
    }),
  ),
  NOTIFICATION_PUBLIC_URL: Type.String({
    default: 'http://localhost:8080',
    description: 'public base URL of the API (unsubscribe links point here)',
  }),
  NOTIFICATION_SIGNING_SECRET: Type.Optional(
    Type.String({
      minLength: 32,
      description:
        'signs unsubscribe links and provider webhooks; required outside embedded mode (embedded: a fixed development secret)',
    }),
  ),
  NOTIFICATION_WEBHOOK_SECRET: Type.Optional(
    Type.String({
      minLength: 32,
      description:
        "verifies the SMTP provider's delivery-status webhook (Delivery-Signature); without it the webhook answers 503",
    }),
  ),
  NOTIFICATION_ADMIN_EMAILS: Type.String({
    default: '',
    description: 'comma-separated addresses that receive admin alerts (low stock)',
  }),
  NOTIFICATION_DISPATCH_INTERVAL_MS: Type.Integer({ minimum: 10, maximum: 60_000, default: 250 }),
  NOTIFICATION_DISPATCH_BATCH: Type.Integer({ minimum: 1, maximum: 5000, default: 200 }),
  NOTIFICATION_SEND_CONCURRENCY: Type.Integer({
    minimum: 1,
    maximum: 256,
    default: 16,
    description: 'messages handed to providers at once per process',
  }),
  NOTIFICATION_MAX_ATTEMPTS: Type.Integer({
    minimum: 1,
    maximum: 50,
    default: 8,
    description: 'delivery attempts before a message is failed (then replayable by an admin)',
  }),
  NOTIFICATION_RETRY_BASE_MS: Type.Integer({
    minimum: 10,
    maximum: 3_600_000,
    default: 30_000,
    description: 'first retry delay; doubles per attempt up to NOTIFICATION_RETRY_MAX_MS',
  }),
  NOTIFICATION_RETRY_MAX_MS: Type.Integer({ minimum: 10, maximum: 86_400_000, default: 3_600_000 }),
  NOTIFICATION_RATE_LIMIT: Type.Integer({
    minimum: 1,
    maximum: 100_000,
    default: 20,
    description: 'most messages sent to one recipient per NOTIFICATION_RATE_WINDOW_MS; more wait',
  }),
  NOTIFICATION_RATE_WINDOW_MS: Type.Integer({ minimum: 1000, maximum: 86_400_000, default: 3_600_000 }),
});

export type NotificationConfig = Static<typeof NotificationConfigSchema>;
