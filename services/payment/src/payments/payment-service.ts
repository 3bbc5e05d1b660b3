import type { Principal } from '@mercato/platform/auth';
import { pageResult, type Page } from '@mercato/platform/http';
import type { PaymentDeps } from '../deps.ts';
import { PaymentErrors } from '../errors.ts';
import { ledgerRepository as ledger, type LedgerRecord } from '../ledger/ledger-repository.ts';
import { statusEvent } from './payment-events.ts';
import { paymentRepository as repo } from './payment-repository.ts';
import type { CaptureInput, Payment, PaymentFilter, PaymentRow } from './payment.ts';
import { failureDetail, providerProblem } from './provider-calls.ts';

/** Statuses a capture starts from: authorized, or captured in part with more to come. */
const CAPTURABLE: readonly string[] = ['authorized', 'partially_captured'];

/** A capture or void asked of the provider longer ago than this was abandoned by its caller. */
const STALE_OPERATION_MS = 60_000;

const notFound = (id: string) => PaymentErrors.PAYMENT_NOT_FOUND(`no payment ${id}`);
const invalidState = (row: PaymentRow, what: string) =>
  PaymentErrors.PAYMENT_INVALID_STATE(`payment ${row.id} is ${row.status}; it cannot be ${what}`);

/** Whether the caller may read the payment: payments:read, or the customer it belongs to. */
function mayRead(principal: Principal | undefined, p: Payment): boolean {
  if (!principal) return false;
  if (principal.permissions.includes('payments:read') || principal.permissions.includes('payments:write'))
    return true;
  return p.customerId !== null && principal.kind === 'user' && principal.subject === p.customerId;
}

/** Reading payments, their ledger, and the capture and void use cases (the saga's steps 7 and 5's compensation). */
export function createPaymentService(deps: PaymentDeps) {
  const { ctx, provider, now } = deps;
  const { database, outbox } = ctx;
  const db = database.db;

  async function rowOf(id: string): Promise<PaymentRow> {
    const row = await repo.row(db, id);
    if (!row) throw notFound(id);
    return row;
  }

  /** Runs a capture or void at the provider with the payment claimed for it, then writes the outcome. */
  async function operate(
    row: PaymentRow,
    operation: 'capture' | 'void',
    from: readonly string[],
    call: (key: string) => Promise<number | null>,
    apply: (amount: number | null) => { status: string; captured_amount?: number },
    amount: number,
    key: string,
  ): Promise<Payment> {
    const claimed = await database.transaction((trx) =>
      repo.claimOperation(trx, row.id, operation, from, new Date(now() - STALE_OPERATION_MS)),
    );
    if (!claimed) {
      const current = await rowOf(row.id);
      if (from.includes(current.status)) {
        throw PaymentErrors.PAYMENT_OPERATION_IN_PROGRESS(
          `a ${current.pending_operation} of payment ${row.id} is under way`,
        );
      }
      throw invalidState(current, operation === 'capture' ? 'captured' : 'voided');
    }
    let result: number | null;
    try {
      result = await call(key);
    } catch (err) {
      const { status, detail } = failureDetail(err);
      await database.transaction(async (trx) => {
        await repo.update(trx, row.id, { pending_operation: null, pending_since: null });
        await ledger.record(trx, {
          paymentId: row.id,
          kind: operation,
          status,
          amount,
          currency: row.currency,
          provider: provider.name,
          providerReference: row.provider_reference,
          idempotencyKey: key,
          detail,
        });
      });
      throw providerProblem(err);
    }
    const final = await database.transaction(async (trx) => {
      const patch = apply(result);
      const updated = await repo.update(
        trx,
        row.id,
        { ...patch, pending_operation: null, pending_since: null },
        { status: from },
      );
      await ledger.record(trx, {
        paymentId: row.id,
        kind: operation,
        status: 'succeeded',
        amount,
        currency: row.currency,
        provider: provider.name,
        providerReference: row.provider_reference,
        idempotencyKey: key,
      });
      if (!updated) {
        // The provider's webhook got here first and moved the payment on; only the claim is left.
        return (await repo.update(trx, row.id, { pending_operation: null, pending_since: null }))!;
      }
      const event = statusEvent(updated);
      if (event) await outbox.add(trx, event);
      return updated;
    });
    return repo.withRefunds(db, final);
  }

  return {
    async get(id: string, principal: Principal | undefined): Promise<Payment> {
      const p = await repo.load(db, id);
      // Someone else's payment is as unknown as a missing one.
      if (!p || !mayRead(principal, p)) throw notFound(id);
      return p;
    },
    async list(filter: PaymentFilter): Promise<Page<Payment>> {
      const { items, total } = await repo.list(db, filter);
      return pageResult(items, filter.page, filter.pageSize, total);
    },
    async ledger(id: string): Promise<{ items: LedgerRecord[] }> {
      await rowOf(id);
      return { items: await ledger.forPayment(db, id) };
    },

    async capture(id: string, input: CaptureInput): Promise<Payment> {
      const row = await rowOf(id);
      if (input.amount && input.amount.currency !== row.currency) {
        throw PaymentErrors.PAYMENT_CURRENCY_MISMATCH(`payment ${id} is in ${row.currency}`, {
          errors: [{ path: '/body/amount/currency', message: `must be ${row.currency}` }],
        });
      }
      if (!CAPTURABLE.includes(row.status) || !row.provider_reference) throw invalidState(row, 'captured');
      const authorized = Number(row.amount);
      const before = Number(row.captured_amount);
      const capturable = authorized - before;
      const amount = input.amount?.amount ?? capturable;
      if (amount > capturable) {
        throw PaymentErrors.PAYMENT_AMOUNT_EXCEEDS_REMAINING(
          `at most ${capturable} ${row.currency} can be captured`,
          {
            errors: [{ path: '/body/amount/amount', message: `must be at most ${capturable}` }],
          },
        );
      }
      const final = input.final ?? true;
      const reference = row.provider_reference;
      return operate(
        row,
        'capture',
        CAPTURABLE,
        async (key) => (await provider.capture({ reference, amount, final, idempotencyKey: key })).captured,
        (received) => {
          const total = received ?? before + amount;
          if (!final && total < authorized) return { status: 'partially_captured', captured_amount: total };
          return {
            status: Number(row.refunded_amount) > 0 ? 'partially_refunded' : 'captured',
            captured_amount: total,
          };
        },
        amount,
        // One key per capture: what was captured before it tells the captures apart, and a
        // repeat after a lost answer (nothing recorded yet) asks the provider the same again.
        `${row.id}:capture:${before}`,
      );
    },

    async void(id: string): Promise<Payment> {
      const row = await rowOf(id);
      // A repeat of the saga's compensation: already voided, nothing to do.
      if (row.status === 'voided') return repo.withRefunds(db, row);
      const from = ['authorized', 'requires_action', 'processing'];
      if (!from.includes(row.status) || !row.provider_reference) throw invalidState(row, 'voided');
      const reference = row.provider_reference;
      return operate(
        row,
        'void',
        from,
        async (key) => {
          await provider.void({ reference, idempotencyKey: key });
          return null;
        },
        () => ({ status: 'voided' }),
        Number(row.amount),
        `${row.id}:void`,
      );
    },
  };
}

export type PaymentService = ReturnType<typeof createPaymentService>;
