import { CommonErrors } from '@mercato/platform/errors';
import type { IdempotencyKeyInfo } from '@mercato/platform/idempotency';
import { jsonb } from '@mercato/platform/db';
import { newId } from '@mercato/platform/ids';
import type { PaymentDeps } from '../deps.ts';
import { PaymentErrors } from '../errors.ts';
import { ledgerRepository as ledger } from '../ledger/ledger-repository.ts';
import { methodRepository } from '../methods/method-repository.ts';
import { ProviderRefusal, type AuthorizeResult, type ProviderCard } from '../providers/payment-provider.ts';
import { assessRisk, type RiskAssessment } from '../risk/risk-rules.ts';
import { statusEvent } from './payment-events.ts';
import { paymentRepository as repo } from './payment-repository.ts';
import type { CreatePaymentInput, Payment, PaymentRow } from './payment.ts';
import { failureDetail, providerProblem } from './provider-calls.ts';

/**
 * Authorizes a payment. The Idempotency-Key's record is the payment row itself: a repeat
 * answers it (`replayed`); a repeat of a request whose provider call never answered (a
 * crash, a timeout) runs the rest again with the same payment id, and every provider call
 * carries a key derived from it, so the provider answers instead of charging twice.
 */
export function createAuthorizationService(deps: PaymentDeps) {
  const { ctx, provider, now } = deps;
  const { database, outbox, config } = ctx;
  const db = database.db;

  /** The card and the provider reference to charge, saving the card first when asked. */
  async function resolveMethod(
    paymentId: string,
    input: CreatePaymentInput,
  ): Promise<{ card: ProviderCard; method: string; savedMethodId: string | null }> {
    const pm = input.paymentMethod;
    if ('savedMethodId' in pm) {
      const saved = input.customerId
        ? await methodRepository.find(db, input.customerId, pm.savedMethodId)
        : undefined;
      if (!saved)
        throw PaymentErrors.PAYMENT_METHOD_NOT_FOUND(
          `no saved payment method ${pm.savedMethodId} for this customer`,
        );
      const card = {
        brand: saved.brand,
        last4: saved.last4,
        expMonth: saved.exp_month,
        expYear: saved.exp_year,
        country: saved.country,
        fingerprint: saved.fingerprint,
      };
      return { card, method: saved.provider_token, savedMethodId: saved.id };
    }
    try {
      if (!pm.save)
        return { card: await provider.cardOfToken(pm.token), method: pm.token, savedMethodId: null };
      const saved = await provider.saveMethod(pm.token, `${paymentId}:save-method`);
      const row = await database.transaction(async (trx) => {
        const r = await methodRepository.insert(trx, {
          id: newId(),
          customerId: input.customerId!,
          provider: provider.name,
          reference: saved.reference,
          card: saved.card,
        });
        await ledger.record(trx, {
          paymentId,
          kind: 'save_method',
          status: 'succeeded',
          provider: provider.name,
          providerReference: saved.reference,
          idempotencyKey: `${paymentId}:save-method`,
        });
        return r;
      });
      return { card: saved.card, method: saved.reference, savedMethodId: row.id };
    } catch (err) {
      if (err instanceof ProviderRefusal)
        throw PaymentErrors.PAYMENT_TOKEN_INVALID(`${err.code}: ${err.message}`);
      throw err instanceof Error && 'status' in err ? err : providerProblem(err);
    }
  }

  async function risk(input: CreatePaymentInput, card: ProviderCard): Promise<RiskAssessment> {
    const since = new Date(now() - config.PAYMENT_RISK_VELOCITY_WINDOW_S * 1000);
    const velocity = await repo.velocity(db, since, {
      fingerprint: card.fingerprint,
      email: input.email?.toLowerCase() ?? null,
      ip: input.ipAddress ?? null,
    });
    return assessRisk(
      {
        amount: input.amount.amount,
        velocity,
        cardCountry: card.country,
        billingCountry: input.billingCountry ?? null,
        ipCountry: input.ipCountry ?? null,
      },
      {
        velocityLimit: config.PAYMENT_RISK_VELOCITY_LIMIT,
        amountThreshold: config.PAYMENT_RISK_AMOUNT_THRESHOLD,
        reviewScore: config.PAYMENT_RISK_REVIEW_SCORE,
        denyScore: config.PAYMENT_RISK_DENY_SCORE,
      },
    );
  }

  /** Writes the provider's answer (unless a webhook already did) with its ledger row and event. */
  async function applyResult(row: PaymentRow, result: AuthorizeResult, key: string): Promise<PaymentRow> {
    return database.transaction(async (trx) => {
      const card = result.card;
      const updated = await repo.update(
        trx,
        row.id,
        {
          status: result.status,
          provider_reference: result.reference,
          ...(card
            ? {
                card_brand: card.brand,
                card_last4: card.last4,
                card_exp_month: card.expMonth,
                card_exp_year: card.expYear,
                card_country: card.country,
                card_fingerprint: card.fingerprint,
              }
            : {}),
          next_action_url: result.status === 'requires_action' ? result.actionUrl : null,
          failure_code: result.status === 'failed' ? result.failure.code : null,
          failure_message: result.status === 'failed' ? result.failure.message : null,
        },
        { status: ['processing'] },
      );
      await ledger.record(trx, {
        paymentId: row.id,
        kind: 'authorize',
        status:
          result.status === 'failed' ? 'failed' : result.status === 'authorized' ? 'succeeded' : 'pending',
        amount: Number(row.amount),
        currency: row.currency,
        provider: provider.name,
        providerReference: result.reference,
        idempotencyKey: key,
        detail: { result: result.status, ...(result.status === 'failed' ? { failure: result.failure } : {}) },
      });
      // A webhook may have moved it on already (the provider's event can beat its own answer).
      if (!updated) return (await repo.row(trx, row.id))!;
      const event = statusEvent(updated);
      if (event) await outbox.add(trx, event);
      return updated;
    });
  }

  return {
    async authorize(
      input: CreatePaymentInput,
      idem: IdempotencyKeyInfo,
    ): Promise<{ payment: Payment; replayed: boolean }> {
      if (!input.orderId && !input.checkoutId) {
        throw PaymentErrors.PAYMENT_REFERENCE_REQUIRED('give orderId, checkoutId or both', {
          errors: [{ path: '/body/orderId', message: 'orderId or checkoutId is required' }],
        });
      }
      if ('token' in input.paymentMethod && input.paymentMethod.save && !input.customerId) {
        throw PaymentErrors.PAYMENT_CUSTOMER_REQUIRED(
          'save: true needs the customerId to save the card for',
          {
            errors: [{ path: '/body/customerId', message: 'is required to save the card' }],
          },
        );
      }
      const prior = await db
        .selectFrom('payments')
        .selectAll()
        .where('idempotency_scope', '=', idem.scope)
        .where('idempotency_key', '=', idem.key)
        .executeTakeFirst();
      if (prior && prior.idempotency_fingerprint !== idem.fingerprint)
        throw CommonErrors.IDEMPOTENCY_KEY_REUSED();
      if (prior && (prior.status !== 'processing' || prior.provider_reference !== null)) {
        return { payment: await repo.withRefunds(db, prior), replayed: true };
      }
      const paymentId = prior?.id ?? newId();
      const { card, method, savedMethodId } = await resolveMethod(paymentId, input);
      const assessed = prior
        ? {
            score: prior.risk_score,
            decision: prior.risk_decision as RiskAssessment['decision'],
            reasons: prior.risk_reasons as string[],
          }
        : await risk(input, card);
      const denied = assessed.decision === 'deny';
      const { row, created } = await database.transaction(async (trx) => {
        const out = await repo.insertOnce(trx, {
          id: paymentId,
          order_id: input.orderId ?? null,
          checkout_id: input.checkoutId ?? null,
          customer_id: input.customerId ?? null,
          email: input.email?.toLowerCase() ?? null,
          status: denied ? 'failed' : 'processing',
          amount: input.amount.amount,
          currency: input.amount.currency,
          provider: provider.name,
          card_brand: card.brand,
          card_last4: card.last4,
          card_exp_month: card.expMonth,
          card_exp_year: card.expYear,
          card_country: card.country,
          card_fingerprint: card.fingerprint,
          saved_method_id: savedMethodId,
          failure_code: denied ? 'fraud_denied' : null,
          failure_message: denied ? `the fraud check denied it (${assessed.reasons.join(', ')})` : null,
          risk_score: assessed.score,
          risk_decision: assessed.decision,
          risk_reasons: jsonb(assessed.reasons),
          ip_address: input.ipAddress ?? null,
          idempotency_scope: idem.scope,
          idempotency_key: idem.key,
          idempotency_fingerprint: idem.fingerprint,
        });
        if (out.created && denied) await outbox.add(trx, statusEvent(out.row)!);
        return out;
      });
      if (!created && row.idempotency_fingerprint !== idem.fingerprint)
        throw CommonErrors.IDEMPOTENCY_KEY_REUSED();
      if (row.status !== 'processing' || row.provider_reference !== null) {
        return { payment: await repo.withRefunds(db, row), replayed: !created };
      }
      const key = `${row.id}:authorize`;
      let result: AuthorizeResult;
      try {
        result = await provider.authorize({
          amount: input.amount.amount,
          currency: input.amount.currency,
          method,
          ...(input.returnUrl ? { returnUrl: input.returnUrl } : {}),
          idempotencyKey: key,
          metadata: {
            paymentId: row.id,
            ...(input.orderId ? { orderId: input.orderId } : {}),
            ...(input.checkoutId ? { checkoutId: input.checkoutId } : {}),
          },
        });
      } catch (err) {
        const { status, detail } = failureDetail(err);
        if (status === 'failed') {
          // The provider refused outright (e.g. a used token): the payment failed.
          const code = err instanceof ProviderRefusal ? err.code : 'provider_error';
          const message = err instanceof Error ? err.message : String(err);
          const failed = await applyResult(
            row,
            { status: 'failed', reference: null, card: null, failure: { code, message } },
            key,
          );
          return { payment: await repo.withRefunds(db, failed), replayed: false };
        }
        await ledger.record(db, {
          paymentId: row.id,
          kind: 'authorize',
          status,
          amount: input.amount.amount,
          currency: input.amount.currency,
          provider: provider.name,
          idempotencyKey: key,
          detail,
        });
        throw providerProblem(err);
      }
      const final = await applyResult(row, result, key);
      return { payment: await repo.withRefunds(db, final), replayed: false };
    },
  };
}

export type AuthorizationService = ReturnType<typeof createAuthorizationService>;
