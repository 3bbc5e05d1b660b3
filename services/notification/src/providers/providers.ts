import type { ServiceContext } from '@mercato/platform/service';
import type { NotificationConfig } from '../config.ts';
import type { NotificationDB } from '../db.ts';
import { createDevMailboxProvider } from './dev-mailbox-provider.ts';
import type { Providers } from './provider.ts';
import { createSmtpEmailProvider } from './smtp-email-provider.ts';
import { createWebhookProvider } from './webhook-provider.ts';

/**
 * The providers configured by the environment: SMTP_URL → SMTP, else the development
 * mailbox; SMS_WEBHOOK_URL / PUSH_WEBHOOK_URL → the HTTP webhook, else recorded in the
 * development mailbox.
 */
export function providersFromConfig(
  ctx: ServiceContext<NotificationDB, NotificationConfig>,
  secret: string,
  concurrency: number,
): Providers {
  const cfg = ctx.config;
  if (!cfg.SMTP_URL && ctx.mode === 'distributed') {
    ctx.logger.warn('SMTP_URL is not set: email goes to the development mailbox, not to recipients');
  }
  return {
    email: cfg.SMTP_URL
      ? createSmtpEmailProvider({
          url: cfg.SMTP_URL,
          from: cfg.MAIL_FROM,
          maxConnections: Math.min(concurrency, 10),
        })
      : createDevMailboxProvider(ctx.database, 'email', cfg.MAIL_FROM),
    sms: cfg.SMS_WEBHOOK_URL
      ? createWebhookProvider({ channel: 'sms', url: cfg.SMS_WEBHOOK_URL, secret })
      : createDevMailboxProvider(ctx.database, 'sms', 'sms'),
    push: cfg.PUSH_WEBHOOK_URL
      ? createWebhookProvider({ channel: 'push', url: cfg.PUSH_WEBHOOK_URL, secret })
      : createDevMailboxProvider(ctx.database, 'push', 'push'),
  };
}
