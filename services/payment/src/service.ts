import { serviceManifests } from '@mercato/contracts';
import { createPeriodicWorker } from '@mercato/platform/http';
import { defineService } from '@mercato/platform/service';
import { EMBEDDED_PSP_SECRETS, PaymentConfigSchema } from './config.ts';
import type { PaymentDB } from './db.ts';
import type { PaymentDeps } from './deps.ts';
import { PaymentErrors } from './errors.ts';
import { registerMethodRoutes } from './methods/method-routes.ts';
import { createMethodService } from './methods/method-service.ts';
import { createAuthorizationService } from './payments/authorization-service.ts';
import { registerPaymentRoutes } from './payments/payment-routes.ts';
import { createPaymentService } from './payments/payment-service.ts';
import { createSimulatorProvider } from './providers/simulator-provider.ts';
import { createRefundService } from './refunds/refund-service.ts';
import { registerWebhookRoutes } from './webhooks/webhook-routes.ts';
import { createWebhookService } from './webhooks/webhook-service.ts';

/** The payment service: payments, refunds, the provider ledger, saved cards, the fraud check. */
export const paymentService = defineService<PaymentDB>()({
  manifest: serviceManifests.payment,
  config: PaymentConfigSchema,
  errors: PaymentErrors.catalog,
  migrations: new URL('../migrations/', import.meta.url),
  setup(ctx) {
    const c = ctx.config;
    // Embedded mode talks to the simulator the launcher started with these; anywhere else
    // a missing secret stops start-up (ARCHITECTURE.md §8: no secret has a default).
    const secretKey =
      c.PSP_SECRET_KEY ?? (ctx.mode === 'embedded' ? EMBEDDED_PSP_SECRETS.secretKey : undefined);
    const webhookSecret =
      c.PSP_WEBHOOK_SECRET ?? (ctx.mode === 'embedded' ? EMBEDDED_PSP_SECRETS.webhookSecret : undefined);
    if (!secretKey || !webhookSecret) {
      throw new Error('PSP_SECRET_KEY and PSP_WEBHOOK_SECRET are required outside embedded mode');
    }
    const provider = createSimulatorProvider({
      baseUrl: c.PSP_API_URL,
      secretKey,
      webhookSecret,
      timeoutMs: c.PSP_TIMEOUT_MS,
      toleranceSeconds: c.PAYMENT_WEBHOOK_TOLERANCE_S,
    });
    // ctx.now: webhook tolerance and fraud windows follow the clock a test moves.
    const deps: PaymentDeps = { ctx, provider, now: ctx.now };
    return {
      provider,
      authorizations: createAuthorizationService(deps),
      payments: createPaymentService(deps),
      refunds: createRefundService(deps),
      webhooks: createWebhookService(deps),
      methods: createMethodService(deps),
    };
  },
  routes(app, _ctx, parts) {
    registerPaymentRoutes(app, parts);
    registerWebhookRoutes(app, parts.webhooks, parts.provider.name);
    registerMethodRoutes(app, parts.methods);
    app.addHook('onClose', async () => parts.provider.close());
  },
  workers: (ctx, { refunds }) => [
    // Refunds the provider never answered (and no webhook settled) are asked again, and
    // failed after the deadline; the reconciler reads the service's clock (ctx.now).
    createPeriodicWorker({
      name: 'refund-reconciler',
      intervalMs: ctx.config.PAYMENT_REFUND_RECONCILE_INTERVAL_MS,
      logger: ctx.logger,
      run: async () => {
        const c = ctx.config;
        const done = await refunds.reconcile({
          graceMs: c.PAYMENT_REFUND_RETRY_AFTER_MS,
          deadlineMs: c.PAYMENT_REFUND_DEADLINE_MS,
          limit: 50,
        });
        if (done.succeeded + done.failed > 0) ctx.logger.info(done, 'refunds reconciled');
      },
    }),
  ],
});
