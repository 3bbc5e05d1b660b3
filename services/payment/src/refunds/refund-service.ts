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

/**
 * Refunds of captured payments. The amount is first set aside on the payment by one
 * conditional statement (captured − refunded − set aside must cover it), so refunds racing
 * each other can never together exceed the capture; then the provider is asked, with the
 * refund's id as its idempotency key.
 */
export function createRefundService(deps: PaymentDeps) {
  const { ctx, provider } = deps;
  const { database, outbox } = ctx;
  const db = database.db;

  return {
    async refund(paymentId: string, input: RefundInput): Promise<RefundResult> {
      const row = await repo.row(db, paymentId);
      if (!row) throw PaymentErrors.PAYMENT_NOT_FOUND(`no payment ${paymentId}`);
      if (input.amount && input.amount.currency !== row.currency) {
        throw PaymentErrors.PAYMENT_CURRENCY_MISMATCH(`payment ${paymentId} is in ${row.currency}`, {
          errors: [{ path: '/body/amount/currency', message: `must be ${row.currency}` }],
        });
      }
      if (!['captured', 'partially_refunded'].includes(row.status) || !row.provider_reference) {
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
        if (now && !['captured', 'partially_refunded'].includes(now.status)) {
          throw PaymentErrors.PAYMENT_INVALID_STATE(`payment ${paymentId} is ${now.status}`);
        }
        throw exceeds();
      }
      const key = `${refundId}:refund`;
      let providerRef: string;
      try {
        providerRef = (await provider.refund({ reference, amount, refundId, idempotencyKey: key })).reference;
      } catch (err) {
        const { status, detail } = failureDetail(err);
        await database.transaction(async (trx) => {
          // Refused: the amount is free again. No answer: it stays set aside and pending until
          // the provider's refund.created webhook says it happened.
          if (err instanceof ProviderRefusal) await failRefund(trx, paymentId, refundId);
          await ledger.record(trx, {
            paymentId,
            kind: 'refund',
            status: err instanceof ProviderRefusal ? status : 'pending',
            amount,
            currency: row.currency,
            provider: provider.name,
            providerReference: reference,
            idempotencyKey: key,
            detail: { ...detail, refundId },
          });
        });
        throw providerProblem(err);
      }
      await database.transaction(async (trx) => {
        await ledger.record(trx, {
          paymentId,
          kind: 'refund',
          status: 'succeeded',
          amount,
          currency: row.currency,
          provider: provider.name,
          providerReference: providerRef,
          idempotencyKey: key,
          detail: { refundId },
        });
        await settleRefund(trx, outbox, paymentId, refundId, providerRef);
      });
      const refund = await db
        .selectFrom('refunds')
        .selectAll()
        .where('id', '=', refundId)
        .executeTakeFirstOrThrow();
      return { refund: toRefund(refund), payment: (await repo.load(db, paymentId))! };
    },
  };
}

export type RefundService = ReturnType<typeof createRefundService>;
