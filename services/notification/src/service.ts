import { orderApi, serviceManifests } from '@mercato/contracts';
import { createAttachmentResolver } from './attachments/attachment-resolver.ts';
import { defineService } from '@mercato/platform/service';
import { NotificationConfigSchema } from './config.ts';
import type { NotificationDB } from './db.ts';
import { NotificationErrors } from './errors.ts';
import { cartSubscription } from './events/cart-handlers.ts';
import { identitySubscription } from './events/identity-handlers.ts';
import { inventorySubscription } from './events/inventory-handlers.ts';
import { orderSubscription } from './events/order-handlers.ts';
import { stockAlertSubscription } from './events/stock-alert-handlers.ts';
import { registerDeliveryStatusRoutes } from './delivery-status/delivery-status-routes.ts';
import { createDeliveryStatusService } from './delivery-status/delivery-status-service.ts';
import { registerMailboxRoutes } from './mailbox/mailbox-routes.ts';
import { createDispatcher } from './messages/dispatcher.ts';
import { registerMessageRoutes } from './messages/message-routes.ts';
import { createMessageService } from './messages/message-service.ts';
import { registerPreferenceRoutes } from './preferences/preference-routes.ts';
import { createPreferenceService } from './preferences/preference-service.ts';
import { providersFromConfig } from './providers/providers.ts';
import { seedNotification } from './seed.ts';
import { signingSecret } from './signing-secret.ts';
import { registerStockAlertRoutes } from './stock-alerts/stock-alert-routes.ts';
import { createStockAlertService } from './stock-alerts/stock-alert-service.ts';
import { registerTemplateRoutes } from './templates/template-routes.ts';
import { createTemplateService } from './templates/template-service.ts';

/** The notification service: email, SMS and push from events, with templates, preferences and a delivery log. */
export const notificationService = defineService<NotificationDB>()({
  manifest: serviceManifests.notification,
  config: NotificationConfigSchema,
  // The demo's admin account (identity's embedded bootstrap admin) hears of low stock.
  demoConfig: { NOTIFICATION_ADMIN_EMAILS: 'admin@mercato.local' },
  errors: NotificationErrors.catalog,
  // The invoice PDF attached to an order confirmation, fetched with the service's credentials.
  calls: { order: orderApi },
  migrations: new URL('../migrations/', import.meta.url),
  setup(ctx) {
    const cfg = ctx.config;
    const secret = signingSecret(ctx.mode, cfg.NOTIFICATION_SIGNING_SECRET);
    const templates = createTemplateService(ctx);
    const providers = providersFromConfig(ctx, secret, cfg.NOTIFICATION_SEND_CONCURRENCY);
    const messages = createMessageService({
      db: ctx.database.db,
      templates,
      signingSecret: secret,
      publicUrl: cfg.NOTIFICATION_PUBLIC_URL,
      shopName: cfg.NOTIFICATION_SHOP_NAME,
    });
    const dispatcher = createDispatcher({
      database: ctx.database,
      outbox: ctx.outbox,
      providers,
      attachments: createAttachmentResolver(ctx.clients),
      logger: ctx.logger,
      options: {
        batch: cfg.NOTIFICATION_DISPATCH_BATCH,
        concurrency: cfg.NOTIFICATION_SEND_CONCURRENCY,
        maxAttempts: cfg.NOTIFICATION_MAX_ATTEMPTS,
        retryBaseMs: cfg.NOTIFICATION_RETRY_BASE_MS,
        retryMaxMs: cfg.NOTIFICATION_RETRY_MAX_MS,
        rateLimit: cfg.NOTIFICATION_RATE_LIMIT,
        rateWindowMs: cfg.NOTIFICATION_RATE_WINDOW_MS,
      },
    });
    const preferences = createPreferenceService(ctx.database, secret);
    const stockAlerts = createStockAlertService(ctx.database, () => new Date(ctx.now()));
    const deliveryStatus = createDeliveryStatusService(
      ctx.database,
      cfg.NOTIFICATION_WEBHOOK_SECRET,
      ctx.now,
    );
    return { templates, providers, messages, dispatcher, preferences, stockAlerts, deliveryStatus };
  },
  routes(app, ctx, parts) {
    registerTemplateRoutes(app, parts.templates);
    registerMessageRoutes(app, ctx.database, parts.messages);
    registerMailboxRoutes(app, ctx.database.db);
    registerPreferenceRoutes(app, parts.preferences);
    registerStockAlertRoutes(app, parts.stockAlerts);
    registerDeliveryStatusRoutes(app, parts.deliveryStatus);
    app.addHook('onClose', async () => {
      for (const p of Object.values(parts.providers)) await p.close?.();
    });
  },
  subscriptions: (ctx, { messages }) => [
    identitySubscription(messages),
    inventorySubscription(
      messages,
      ctx.config.NOTIFICATION_ADMIN_EMAILS.split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
      ctx.logger,
    ),
    orderSubscription(messages, ctx.config.NOTIFICATION_PUBLIC_URL),
    stockAlertSubscription(messages, ctx.config.NOTIFICATION_PUBLIC_URL),
    cartSubscription(messages, ctx.config.NOTIFICATION_PUBLIC_URL),
  ],
  workers: (ctx, { dispatcher }) => [dispatcher.worker(ctx.config.NOTIFICATION_DISPATCH_INTERVAL_MS)],
  seed: (ctx) => seedNotification(ctx),
});
