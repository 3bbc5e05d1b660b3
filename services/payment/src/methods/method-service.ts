import { newId } from '@mercato/platform/ids';
import { createHash } from 'node:crypto';
import type { PaymentDeps } from '../deps.ts';
import { PaymentErrors } from '../errors.ts';
import { ledgerRepository as ledger } from '../ledger/ledger-repository.ts';
import { providerProblem } from '../payments/provider-calls.ts';
import { ProviderRefusal } from '../providers/payment-provider.ts';
import { methodRepository as repo, toMethod } from './method-repository.ts';
import type { PaymentMethod } from './method.ts';

/**
 * A customer's saved cards: the provider's reusable reference plus brand, last4 and expiry.
 * The card number went from the browser to the provider; Mercato only ever sees a token.
 */
export function createMethodService(deps: PaymentDeps) {
  const { ctx, provider } = deps;
  const { database } = ctx;
  const db = database.db;

  return {
    async list(customerId: string): Promise<{ items: PaymentMethod[] }> {
      return { items: (await repo.list(db, customerId)).map(toMethod) };
    },

    /** requestKey: the caller's Idempotency-Key (scoped), so a retried save asks the provider once. */
    async save(customerId: string, token: string, requestKey: string): Promise<PaymentMethod> {
      const key = `save-method:${createHash('sha256').update(requestKey).digest('hex').slice(0, 40)}`;
      let saved;
      try {
        saved = await provider.saveMethod(token, key);
      } catch (err) {
        if (err instanceof ProviderRefusal)
          throw PaymentErrors.PAYMENT_TOKEN_INVALID(`${err.code}: ${err.message}`);
        throw providerProblem(err);
      }
      const row = await database.transaction(async (trx) => {
        const r = await repo.insert(trx, {
          id: newId(),
          customerId,
          provider: provider.name,
          reference: saved.reference,
          card: saved.card,
        });
        await ledger.record(trx, {
          paymentId: null,
          kind: 'save_method',
          status: 'succeeded',
          provider: provider.name,
          providerReference: saved.reference,
          idempotencyKey: key,
          detail: { methodId: r.id },
        });
        return r;
      });
      return toMethod(row);
    },

    async remove(customerId: string, id: string): Promise<void> {
      const row = await repo.find(db, customerId, id);
      if (!row) throw PaymentErrors.PAYMENT_METHOD_NOT_FOUND(`no saved payment method ${id}`);
      const key = `${id}:delete-method`;
      try {
        await provider.deleteMethod(row.provider_token, key);
      } catch (err) {
        // Already gone at the provider: forgetting it here is what the customer asked.
        if (!(err instanceof ProviderRefusal)) throw providerProblem(err);
      }
      await database.transaction(async (trx) => {
        await repo.markDeleted(trx, id);
        await ledger.record(trx, {
          paymentId: null,
          kind: 'delete_method',
          status: 'succeeded',
          provider: provider.name,
          providerReference: row.provider_token,
          idempotencyKey: key,
          detail: { methodId: id },
        });
      });
    },
  };
}

export type MethodService = ReturnType<typeof createMethodService>;
