import type { RefundResultSchema } from '@mercato/contracts';
import { newId } from '@mercato/platform/ids';
import type { Static } from 'typebox';
import type { PaymentDeps } from '../deps.ts';
import { PaymentErrors } from '../errors.ts';
import { ledgerRepository as ledger } from '../ledger/ledger-repository.ts';
import { paymentRepository as repo } from '../payments/payment-repository.ts';
import { toRefund, type RefundInput } from '../payments/payment.ts';
import { failureDetail, providerProblem } from '../payments/provider-calls.ts';
import { ProviderRefusal } from '../providers/payment-provider.ts';
import { failRefund, settleRefund } from './refund-settlement.ts';

type RefundResult = Static<typeof RefundResultSchema>;

/** Statuses a payment is refunded from: something was captured. */
const REFUNDABLE: readonly string[] = ['captured', 'partially_captured', 'partially_refunded'];

/** When the refund reconciler asks again, and when it gives up (ms; see config). */
export interface ReconcileOptions {
  /** A pending refund younger than this may still have its first call in flight. */
  graceMs: number;
  /** A pending refund older than this without an answer is failed and its amount freed. */
  deadlineMs: number;
  limit: number;
}

/**
 * Refunds of captured payments. The amount is first set aside on the payment by one
 * conditional statement (captured − refunded − set aside must cover it), so refunds racing
 * each other can never together exceed the capture; then the provider is asked, with the
 * refund's id as its idempotency key.
 */
export function createRefundService(deps: PaymentDeps) {
  const { ctx, provider, now } = deps;
  const { database, outbox } = ctx;
  const db = database.db;

  /**
   * Asks the provider to carry out a pending refund (the refund's id as idempotency key, so
   * asking again is answered, not done twice) and books its answer: success settles it, a
   * refusal frees its amount, no answer leaves it pending (its webhook or the reconciler
   * settles it later). `throwing`: a refusal or no answer is thrown as the HTTP problem.
   */
  async function askProvider(
    r: { paymentId: string; refundId: string; amount: number; currency: string; reference: string },
    opts: { throwing: boolean },
  ): Promise<'succeeded' | 'failed' | 'pending'> {
    const { paymentId, refundId, amount } = r;
    const key = `${refundId}:refund`;
    let providerRef: string;
    try {
      providerRef = (await provider.refund({ reference: r.reference, amount, refundId, idempotencyKey: key }))
        .reference;
    } catch (err) {
      const { status, detail } = failureDetail(err);
      const refused = err instanceof ProviderRefusal;
      await database.transaction(async (trx) => {
        // Refused: the amount is free again. No answer: it stays set aside and pending until
        // the provider's refund.created webhook or the reconciler says what happened.
        if (refused) await failRefund(trx, paymentId, refundId);
        await ledger.record(trx, {
          paymentId,
          kind: 'refund',
          status: refused ? status : 'pending',
          amount,
          currency: r.currency,
          provider: provider.name,
          providerReference: r.reference,
          idempotencyKey: key,
          detail: { ...detail, refundId },
        });
      });
      if (opts.throwing) throw providerProblem(err);
      return refused ? 'failed' : 'pending';
    }
    await database.transaction(async (trx) => {
      await ledger.record(trx, {
        paymentId,
        kind: 'refund',
        status: 'succeeded',
        amount,
        currency: r.currency,
        provider: provider.name,
        providerReference: providerRef,
        idempotencyKey: key,
        detail: { refundId },
      });
      await settleRefund(trx, outbox, paymentId, refundId, providerRef);
    });
    return 'succeeded';
  }

  return {
    async refund(paymentId: string, input: RefundInput): Promise<RefundResult> {
      const row = await repo.row(db, paymentId);
      if (!row) throw PaymentErrors.PAYMENT_NOT_FOUND(`no payment ${paymentId}`);
      if (input.amount && input.amount.currency !== row.currency) {
        throw PaymentErrors.PAYMENT_CURRENCY_MISMATCH(`payment ${paymentId} is in ${row.currency}`, {
          errors: [{ path: '/body/amount/currency', message: `must be ${row.currency}` }],
        });
      }
      if (!REFUNDABLE.includes(row.status) || !row.provider_reference) {
        throw PaymentErrors.PAYMENT_INVALID_STATE(
          `payment ${paymentId} is ${row.status}; only a captured payment is refunded`,
        );
      }
      const remaining =
        Number(row.captured_amount) - Number(row.refunded_amount) - Number(row.refund_reserved);
      const amount = input.amount?.amount ?? remaining;
      const exceeds = () =>
        PaymentErrors.PAYMENT_AMOUNT_EXCEEDS_REMAINING(
          `at most ${Math.max(0, remaining)} ${row.currency} is left to refund`,
          {
            errors: [{ path: '/body/amount/amount', message: 'is more than what is left to refund' }],
          },
        );
      if (amount < 1) throw exceeds();
      const refundId = newId();
      const reference = row.provider_reference;
      const reserved = await database.transaction(async (trx) => {
        const r = await repo.reserveRefund(trx, paymentId, amount);
        if (!r) return false;
        await trx
          .insertInto('refunds')
          .values({
            id: refundId,
            payment_id: paymentId,
            amount,
            currency: row.currency,
            status: 'pending',
            reason: input.reason ?? null,
          })
          .execute();
        return true;
      });
      if (!reserved) {
        const now = await repo.row(db, paymentId);
        if (now && !REFUNDABLE.includes(now.status)) {
          throw PaymentErrors.PAYMENT_INVALID_STATE(`payment ${paymentId} is ${now.status}`);
        }
        throw exceeds();
      }
      await askProvider(
        { paymentId, refundId, amount, currency: row.currency, reference },
        { throwing: true },
      );
      const refund = await db
        .selectFrom('refunds')
        .selectAll()
        .where('id', '=', refundId)
        .executeTakeFirstOrThrow();
      return { refund: toRefund(refund), payment: (await repo.load(db, paymentId))! };
    },

    /**
     * The reconciler's round: refunds still pending after `graceMs` (the provider never
     * answered, and no webhook came) are asked of the provider again with their own key — a
     * refund it did is answered, one it never received is done now. One still without an
     * answer `deadlineMs` after it was asked is failed and its amount freed (ledger: failed,
     * reason no_answer). Answers how each ended this round.
     */
    async reconcile(o: ReconcileOptions): Promise<{ succeeded: number; failed: number; pending: number }> {
      const at = now();
      const stale = await db
        .selectFrom('refunds')
        .innerJoin('payments', 'payments.id', 'refunds.payment_id')
        .select([
          'refunds.id as refundId',
          'refunds.payment_id as paymentId',
          'refunds.amount',
          'refunds.currency',
          'refunds.created_at as createdAt',
          'payments.provider_reference as reference',
        ])
        .where('refunds.status', '=', 'pending')
        .where('refunds.created_at', '<', new Date(at - o.graceMs))
        .orderBy('refunds.created_at')
        .limit(o.limit)
        .execute();
      const tally = { succeeded: 0, failed: 0, pending: 0 };
      for (const r of stale) {
        const outcome = await askProvider(
          { ...r, amount: Number(r.amount), reference: r.reference ?? '' },
          { throwing: false },
        );
        if (outcome === 'pending' && r.createdAt.getTime() < at - o.deadlineMs) {
          const failed = await database.transaction(async (trx) => {
            // Its webhook may have settled it meanwhile: then it is no longer pending.
            if (!(await failRefund(trx, r.paymentId, r.refundId))) return false;
            await ledger.record(trx, {
              paymentId: r.paymentId,
              kind: 'refund',
              status: 'failed',
              amount: Number(r.amount),
              currency: r.currency,
              provider: provider.name,
              providerReference: r.reference,
              idempotencyKey: `${r.refundId}:refund`,
              detail: { refundId: r.refundId, reason: 'no_answer', askedAt: r.createdAt.toISOString() },
            });
            return true;
          });
          tally[failed ? 'failed' : 'succeeded'] += 1;
        } else tally[outcome] += 1;
      }
      return tally;
    },
  };
}

export type RefundService = ReturnType<typeof createRefundService>;
