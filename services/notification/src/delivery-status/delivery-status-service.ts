import type { Database } from '@mercato/platform/db';
import { verifyWebhookSignature, WebhookSignatureError } from '@mercato/platform/http';
import { Value } from 'typebox/value';
import type { NotificationDB } from '../db.ts';
import { NotificationErrors } from '../errors.ts';
import { messageRepository as repo } from '../messages/message-repository.ts';
import {
  DeliveryStatusBody,
  type DeliveryReport,
  type DeliveryStatusInput,
  type ReportOutcome,
} from './delivery-status.ts';

export interface DeliveryStatusService {
  /** Verifies and applies a webhook delivery (its raw body and signature header). */
  receive(
    rawBody: string,
    signature: string | undefined,
  ): Promise<{ received: number; results: Array<{ id: string; outcome: ReportOutcome }> }>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The message id in a report: ours as it is, or the local part of the Message-ID we sent (`<id@domain>`). */
function messageIdOf(given: string): string | undefined {
  const local = given.trim().replace(/^<|>$/g, '').split('@')[0] ?? '';
  return UUID.test(local) ? local.toLowerCase() : undefined;
}

/**
 * The SMTP provider's delivery-status webhook: a signed batch of delivered / bounced reports
 * (Stripe-style `t=<unix>,v1=<HMAC-SHA256 of "<t>.<body>">` with NOTIFICATION_WEBHOOK_SECRET,
 * 5 minutes' tolerance). A report moves a sent message to delivered or bounced (a late bounce
 * also a delivered one) and is kept in its delivery log with the provider's words; a repeated
 * event id changes nothing. The signature is checked before the body is read: a forged or
 * malformed call changes nothing.
 */
export function createDeliveryStatusService(
  database: Database<NotificationDB>,
  secret: string | undefined,
  now: () => number,
): DeliveryStatusService {
  async function apply(r: DeliveryReport, receivedAt: Date): Promise<ReportOutcome> {
    const id = messageIdOf(r.messageId);
    if (!id) return 'unknown_message';
    return database.transaction(async (trx) => {
      const m = await repo.findForUpdate(trx, id);
      if (!m) return 'unknown_message';
      if (await repo.hasProviderEvent(trx, r.id)) return 'duplicate';
      if (!['sent', 'delivered', 'bounced'].includes(m.status)) return 'not_sent';
      const at = r.at ? new Date(r.at) : receivedAt;
      // A bounce may follow a delivery report (an asynchronous bounce); never the reverse.
      const moves = r.status === 'bounced' ? m.status !== 'bounced' : m.status === 'sent';
      await repo.addAttempt(trx, {
        messageId: m.id,
        attempt: m.attempts,
        outcome: r.status,
        response: r.detail ?? r.status,
        durationMs: 0,
        at,
        providerEventId: r.id,
      });
      if (!moves) return 'ignored';
      await repo.setDeliveryStatus(
        trx,
        m.id,
        r.status,
        r.status === 'bounced' ? (r.detail ?? 'bounced') : null,
        receivedAt,
      );
      return 'applied';
    });
  }

  return {
    async receive(rawBody, signature) {
      if (!secret) {
        throw NotificationErrors.NOTIFICATION_WEBHOOK_NOT_CONFIGURED(
          'NOTIFICATION_WEBHOOK_SECRET is not set',
        );
      }
      try {
        verifyWebhookSignature(rawBody, signature, secret, { now });
      } catch (err) {
        if (!(err instanceof WebhookSignatureError)) throw err;
        throw NotificationErrors.NOTIFICATION_WEBHOOK_SIGNATURE_INVALID(err.message);
      }
      let body: unknown;
      try {
        body = JSON.parse(rawBody);
      } catch {
        throw NotificationErrors.NOTIFICATION_WEBHOOK_MALFORMED('the body is not JSON');
      }
      if (!Value.Check(DeliveryStatusBody, body)) {
        const errors = [...Value.Errors(DeliveryStatusBody, body)].slice(0, 10).map((e) => ({
          path: e.instancePath || '/',
          message: e.message,
        }));
        throw NotificationErrors.NOTIFICATION_WEBHOOK_MALFORMED(
          'the body is not a batch of delivery reports',
          {
            errors,
          },
        );
      }
      const input = body as DeliveryStatusInput;
      const receivedAt = new Date(now());
      const results = [];
      for (const r of input.events) results.push({ id: r.id, outcome: await apply(r, receivedAt) });
      return { received: input.events.length, results };
    },
  };
}
