import { Type, type Static } from 'typebox';

/** The payment service's own settings (environment; README, "Settings"). */
export const PaymentConfigSchema = Type.Object({
  PAYMENT_PROVIDER: Type.Union([Type.Literal('simulator')], {
    default: 'simulator',
    description: 'the provider adapter (src/providers/); simulator: the PSP simulator of apps/simulators',
  }),
  PSP_API_URL: Type.String({ pattern: '^https?://', default: 'http://127.0.0.1:8190' }),
  PSP_SECRET_KEY: Type.Optional(
    Type.String({ minLength: 8, description: 'API key at the provider; required outside embedded mode' }),
  ),
  PSP_WEBHOOK_SECRET: Type.Optional(
    Type.String({
      minLength: 16,
      description: "the webhook endpoint's signing secret; required outside embedded mode",
    }),
  ),
  PSP_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 10_000 }),
  PAYMENT_REFUND_RECONCILE_INTERVAL_MS: Type.Integer({
    minimum: 100,
    maximum: 3_600_000,
    default: 60_000,
    description: 'how often the refund reconciler looks for refunds the provider left unanswered',
  }),
  PAYMENT_REFUND_RETRY_AFTER_MS: Type.Integer({
    minimum: 1000,
    maximum: 86_400_000,
    default: 60_000,
    description:
      'a refund pending this long (no answer, no webhook) is asked of the provider again; keep it above PSP_TIMEOUT_MS',
  }),
  PAYMENT_REFUND_DEADLINE_MS: Type.Integer({
    minimum: 60_000,
    maximum: 30 * 86_400_000,
    default: 86_400_000,
    description:
      "a refund still unanswered this long after it was asked is failed and its amount freed (within the provider's idempotency window)",
  }),
  PAYMENT_WEBHOOK_TOLERANCE_S: Type.Integer({
    minimum: 1,
    maximum: 3600,
    default: 300,
    description: "how far a webhook's signed timestamp may be from now",
  }),
  PAYMENT_RISK_REVIEW_SCORE: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
  PAYMENT_RISK_DENY_SCORE: Type.Integer({ minimum: 1, maximum: 100, default: 80 }),
  PAYMENT_RISK_AMOUNT_THRESHOLD: Type.Integer({
    minimum: 1,
    default: 100_000,
    description: 'an amount (minor units) from which a payment scores as large',
  }),
  PAYMENT_RISK_VELOCITY_WINDOW_S: Type.Integer({ minimum: 1, maximum: 86_400, default: 3600 }),
  PAYMENT_RISK_VELOCITY_LIMIT: Type.Integer({
    minimum: 1,
    maximum: 10_000,
    default: 5,
    description: 'payments per card, email or IP within the window above which each scores',
  }),
});

export type PaymentConfig = Static<typeof PaymentConfigSchema>;

/** Secrets embedded mode may default (a laptop demo); distributed mode must be given them. */
export const EMBEDDED_PSP_SECRETS = {
  secretKey: 'sk_test_mercato_embedded',
  webhookSecret: 'whsec_mercato_embedded_simulator',
} as const;
