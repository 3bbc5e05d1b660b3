import { jsonb, type Kysely } from '@mercato/platform/db';
import { newId } from '@mercato/platform/ids';
import type { PaymentDB } from '../db.ts';

export type LedgerKind =
  'authorize' | 'capture' | 'void' | 'refund' | 'webhook' | 'save_method' | 'delete_method';
export type LedgerStatus = 'succeeded' | 'failed' | 'pending' | 'error' | 'applied' | 'ignored';

export interface LedgerEntry {
  paymentId: string | null;
  kind: LedgerKind;
  status: LedgerStatus;
  amount?: number | null;
  currency?: string | null;
  provider: string;
  providerReference?: string | null;
  providerEventId?: string | null;
  idempotencyKey?: string | null;
  /** What the provider said (codes, messages, the event type) — never card data. */
  detail?: Record<string, unknown>;
}

export interface LedgerRecord {
  id: string;
  kind: LedgerKind;
  status: LedgerStatus;
  amount: number | null;
  currency: string | null;
  provider: string;
  providerReference: string | null;
  providerEventId: string | null;
  idempotencyKey: string | null;
  detail: Record<string, unknown>;
  createdAt: string;
}

/** The ledger of provider calls and webhooks: appended, never changed. */
export const ledgerRepository = {
  async record(exec: Kysely<PaymentDB>, e: LedgerEntry): Promise<void> {
    await exec
      .insertInto('payment_transactions')
      .values({
        id: newId(),
        payment_id: e.paymentId,
        kind: e.kind,
        status: e.status,
        amount: e.amount ?? null,
        currency: e.currency ?? null,
        provider: e.provider,
        provider_reference: e.providerReference ?? null,
        provider_event_id: e.providerEventId ?? null,
        idempotency_key: e.idempotencyKey ?? null,
        detail: jsonb(e.detail ?? {}),
      })
      .execute();
  },
  async forPayment(db: Kysely<PaymentDB>, paymentId: string): Promise<LedgerRecord[]> {
    const rows = await db
      .selectFrom('payment_transactions')
      .selectAll()
      .where('payment_id', '=', paymentId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind as LedgerKind,
      status: r.status as LedgerStatus,
      amount: r.amount === null ? null : Number(r.amount),
      currency: r.currency,
      provider: r.provider,
      providerReference: r.provider_reference,
      providerEventId: r.provider_event_id,
      idempotencyKey: r.idempotency_key,
      detail: (r.detail ?? {}) as Record<string, unknown>,
      createdAt: r.created_at.toISOString(),
    }));
  },
};
