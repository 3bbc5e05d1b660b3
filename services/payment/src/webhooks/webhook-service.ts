import type { Kysely } from '@mercato/platform/db';
import type { PaymentDeps } from '../deps.ts';
import type { PaymentDB } from '../db.ts';
import { PaymentErrors } from '../errors.ts';
import { ledgerRepository as ledger } from '../ledger/ledger-repository.ts';
import { statusEvent } from '../payments/payment-events.ts';
import { paymentRepository as repo } from '../payments/payment-repository.ts';
import type { PaymentRow } from '../payments/payment.ts';
import { WebhookRejected, type ProviderEvent } from '../providers/payment-provider.ts';
import { settleRefund } from '../refunds/refund-settlement.ts';

export type WebhookOutcome = 'applied' | 'ignored' | 'duplicate' | 'unknown_payment';

/** Where each change may come from: a webhook only moves a payment forward, never back. */
const FROM: Record<string, readonly string[]> = {
  authorized: ['processing', 'requires_action'],
  requires_action: ['processing'],
  failed: ['processing', 'requires_action'],
  captured: ['authorized', 'partially_captured'],
  voided: ['authorized', 'processing', 'requires_action'],
};

/**
 * Provider webhooks: verified (signature, timestamp within the tolerance of the injected
 * clock), deduplicated by event id, and reconciled with the payment's state in one
 * transaction with their ledger row. An event about an unknown payment, or one that would
 * move a payment backwards (a late or reordered delivery), is recorded and changes nothing.
 */
export function createWebhookService(deps: PaymentDeps) {
  const { ctx, provider, now } = deps;
  const { database, outbox } = ctx;

  async function find(trx: Kysely<PaymentDB>, e: ProviderEvent): Promise<PaymentRow | undefined> {
    if (e.reference) {
      const byRef = await repo.byReference(trx, provider.name, e.reference);
      if (byRef) return byRef;
    }
    // The provider's event may beat its own answer to the authorize call: the payment is
    // found by the id it was given as metadata, if no other intent is recorded for it.
    if (e.paymentId && /^[0-9a-f-]{36}$/.test(e.paymentId)) {
      const row = await repo.row(trx, e.paymentId, { forUpdate: true });
      if (row && (row.provider_reference === null || row.provider_reference === e.reference)) return row;
    }
    return undefined;
  }

  async function apply(trx: Kysely<PaymentDB>, e: ProviderEvent, row: PaymentRow): Promise<WebhookOutcome> {
    const c = e.change;
    if (c.kind === 'refunded') {
      if (!c.refundId) return 'ignored';
      // settleRefund finds it only if it is this payment's and still pending.
      return (await settleRefund(trx, outbox, row.id, c.refundId, c.refundReference)) ? 'applied' : 'ignored';
    }
    if (c.kind === 'other') return 'ignored';
    const from = FROM[c.kind]!;
    if (!from.includes(row.status)) return 'ignored';
    const updated = await repo.update(
      trx,
      row.id,
      {
        status: c.kind,
        provider_reference: row.provider_reference ?? e.reference,
        ...(c.kind === 'captured'
          ? { captured_amount: c.amount, pending_operation: null, pending_since: null }
          : {}),
        ...(c.kind === 'voided' ? { pending_operation: null, pending_since: null } : {}),
        ...(c.kind === 'requires_action' ? { next_action_url: c.actionUrl } : {}),
        ...(c.kind === 'failed' ? { failure_code: c.code, failure_message: c.message } : {}),
      },
      { status: from },
    );
    if (!updated) return 'ignored';
    const event = statusEvent(updated);
    if (event) await outbox.add(trx, event);
    return 'applied';
  }

  return {
    async receive(
      rawBody: string,
      headers: Record<string, string | string[] | undefined>,
    ): Promise<{ outcome: WebhookOutcome }> {
      let event: ProviderEvent;
      try {
        event = provider.verifyWebhook(rawBody, headers, now());
      } catch (err) {
        if (!(err instanceof WebhookRejected)) throw err;
        ctx.logger.warn({ reason: err.reason }, 'webhook rejected');
        if (err.reason === 'stale') throw PaymentErrors.PAYMENT_WEBHOOK_TIMESTAMP_STALE(err.message);
        if (err.reason === 'malformed') throw PaymentErrors.PAYMENT_WEBHOOK_MALFORMED(err.message);
        throw PaymentErrors.PAYMENT_WEBHOOK_SIGNATURE_INVALID(err.message);
      }
      return database.transaction(async (trx) => {
        const first = await trx
          .insertInto('webhook_events')
          .values({
            provider: provider.name,
            event_id: event.id,
            type: event.type,
            payment_id: null,
            outcome: 'received',
          })
          .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing())
          .returning('event_id')
          .executeTakeFirst();
        const row = await find(trx, event);
        const outcome: WebhookOutcome = !first
          ? 'duplicate'
          : !row
            ? 'unknown_payment'
            : await apply(trx, event, row);
        if (first) {
          await trx
            .updateTable('webhook_events')
            .set({ outcome, payment_id: row?.id ?? null })
            .where('provider', '=', provider.name)
            .where('event_id', '=', event.id)
            .execute();
        }
        await ledger.record(trx, {
          paymentId: row?.id ?? null,
          kind: 'webhook',
          status: outcome === 'applied' ? 'applied' : 'ignored',
          amount: 'amount' in event.change ? event.change.amount : null,
          currency: row?.currency ?? null,
          provider: provider.name,
          providerReference: event.reference,
          providerEventId: event.id,
          detail: { type: event.type, outcome },
        });
        return { outcome };
      });
    },
  };
}

export type WebhookService = ReturnType<typeof createWebhookService>;
