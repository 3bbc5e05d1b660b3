import type {
  CommitInput,
  DiscountRedeemedV1,
  DiscountReleasedV1,
  DiscountReservedV1,
  Evaluation,
  Redemption,
  RedemptionReleaseInput,
  ReserveInput,
} from '@mercato/contracts';
import type { Kysely } from '@mercato/platform/db';
import { newId } from '@mercato/platform/ids';
import type { ServiceContext } from '@mercato/platform/service';
import { createHash } from 'node:crypto';
import type { DiscountDB } from '../db.ts';
import { DiscountErrors, type RefusalReason } from '../errors.ts';
import type { PlannedUse } from '../evaluation/evaluation-rules.ts';
import type { EvaluationService } from '../evaluation/evaluation-service.ts';
import { createKeyQueue } from './key-queue.ts';
import {
  redemptionRepository as repo,
  toRedemption,
  type RedemptionRow,
  type UseRow,
} from './redemption-repository.ts';

/**
 * Redemptions for the checkout saga, each idempotent by checkout id: reserve holds one use
 * of every applied promotion and code (they count against the limits at once), commit
 * makes them redemptions, release (or expiry) gives them back.
 */
export interface RedemptionService {
  /** The redemption, and whether this call created it (a repeat answers the existing one). */
  reserve(
    input: ReserveInput,
    actor: string,
    now?: Date,
  ): Promise<{ redemption: Redemption; created: boolean }>;
  get(checkoutId: string): Promise<Redemption>;
  commit(checkoutId: string, input: CommitInput): Promise<Redemption>;
  release(checkoutId: string, input: RedemptionReleaseInput): Promise<Redemption>;
  /** Releases held redemptions expired by the service's clock (the sweeper); returns how many. */
  expireDue(limit: number): Promise<number>;
}

/** A use could not be taken: its limit was reached since the evaluation read it. */
class UseTaken extends Error {
  readonly use: PlannedUse;
  readonly reason: RefusalReason;
  constructor(use: PlannedUse, reason: RefusalReason) {
    super(reason);
    this.use = use;
    this.reason = reason;
  }
}

const RESERVE_ATTEMPTS = 3;

const notFound = (checkoutId: string) =>
  DiscountErrors.DISCOUNT_REDEMPTION_NOT_FOUND(`no redemption for checkout ${checkoutId}`);

/** The refusal of a reserve: the first refused code's reason, every refusal listed. */
function refusal(refused: Evaluation['refused']) {
  const first = refused[0];
  const reason = (first?.reason ?? 'DISCOUNT_LIMIT_REACHED') as RefusalReason;
  return DiscountErrors[reason](refused.map((r) => `${r.code}: ${r.message}`).join('; '), {
    errors: refused.map((r) => ({ path: '/body/codes', message: `${r.code}: ${r.reason}` })),
  });
}

/** What makes two reserves of one checkout the same request (the hold time aside). */
function fingerprintOf(input: ReserveInput): string {
  const { ttlSeconds: _ttl, ...rest } = input;
  return createHash('sha256').update(JSON.stringify(rest)).digest('base64url');
}

function eventData(r: RedemptionRow, uses: UseRow[]) {
  const ev = r.evaluation as Evaluation;
  return {
    redemptionId: r.id,
    checkoutId: r.checkout_id,
    customerId: r.customer_id,
    currency: ev.currency,
    discountTotal: ev.discountTotal,
    shippingDiscount: ev.shippingDiscount,
    promotions: uses.map((u) => ({
      promotionId: u.promotion_id,
      code: ev.applied.find((a) => a.promotionId === u.promotion_id)?.code ?? null,
      amount: u.amount,
      shippingAmount: u.shipping_amount,
    })),
  };
}

export function createRedemptionService(
  ctx: ServiceContext<DiscountDB>,
  evaluation: EvaluationService,
): RedemptionService {
  const { database, outbox } = ctx;
  const db = database.db;
  const queue = createKeyQueue();

  function repeat(existing: RedemptionRow, fingerprint: string) {
    if (existing.fingerprint !== fingerprint) {
      throw DiscountErrors.DISCOUNT_REDEMPTION_CONFLICT(
        `checkout ${existing.checkout_id} already holds a redemption for other codes or lines`,
      );
    }
    return { redemption: toRedemption(existing), created: false };
  }

  /** Takes every planned use, promotions in id order (so concurrent reserves never deadlock). */
  async function take(trx: Kysely<DiscountDB>, uses: PlannedUse[], customerId: string | null): Promise<void> {
    for (const u of [...uses].sort((a, b) => (a.promotionId < b.promotionId ? -1 : 1))) {
      if (!(await repo.takePromotion(trx, u.promotionId))) throw new UseTaken(u, 'DISCOUNT_LIMIT_REACHED');
      if (u.codeId && !(await repo.takeCode(trx, u.codeId))) throw new UseTaken(u, 'DISCOUNT_LIMIT_REACHED');
      if (customerId && !(await repo.takeCustomer(trx, u.promotionId, customerId, u.perCustomerLimit))) {
        throw new UseTaken(u, 'DISCOUNT_CUSTOMER_LIMIT_REACHED');
      }
    }
  }

  async function releaseRow(trx: Kysely<DiscountDB>, r: RedemptionRow, reason: string, now: Date) {
    const uses = await repo.uses(trx, r.id);
    await repo.giveBack(trx, uses);
    const row = await repo.setStatus(trx, r.id, 'released', now, { release_reason: reason });
    const data: DiscountReleasedV1 = { ...eventData(row, uses), reason };
    await outbox.add(trx, { type: 'discount.released', subject: r.id, data });
    return row;
  }

  return {
    async reserve(input, actor) {
      const now = new Date(ctx.now());
      const fingerprint = fingerprintOf(input);
      const existing = await repo.byCheckout(db, input.checkoutId);
      if (existing) return repeat(existing, fingerprint);
      const customerId = input.customerId ?? null;
      for (let attempt = 1; ; attempt++) {
        const outcome = await evaluation.evaluate(input, { now, fresh: true });
        if (outcome.evaluation.refused.length > 0) throw refusal(outcome.evaluation.refused);
        // Every use updates its promotion's row, so reserves sharing a promotion take turns
        // here rather than in PostgreSQL's row lock with a pooled connection each (key-queue.ts).
        const turns = outcome.uses.map((u) => u.promotionId);
        try {
          return await queue.run(turns, () =>
            database.transaction(async (trx) => {
              const row = await repo.insert(trx, {
                id: newId(),
                checkout_id: input.checkoutId,
                status: 'held',
                customer_id: customerId,
                fingerprint,
                evaluation: outcome.evaluation,
                expires_at: new Date(now.getTime() + input.ttlSeconds * 1000),
                created_by: actor,
                now,
              });
              // Another reserve of this checkout committed first: answer its redemption.
              if (!row) return repeat((await repo.byCheckout(trx, input.checkoutId))!, fingerprint);
              await take(trx, outcome.uses, customerId);
              const uses: UseRow[] = outcome.uses.map((u) => ({
                promotion_id: u.promotionId,
                code_id: u.codeId,
                customer_id: customerId,
                amount: u.amount,
                shipping_amount: u.shippingAmount,
                currency: input.currency,
              }));
              await repo.insertUses(trx, row.id, uses);
              const data: DiscountReservedV1 = {
                ...eventData(row, uses),
                expiresAt: row.expires_at.toISOString(),
              };
              await outbox.add(trx, { type: 'discount.reserved', subject: row.id, data });
              return { redemption: toRedemption(row), created: true };
            }),
          );
        } catch (err) {
          if (!(err instanceof UseTaken)) throw err;
          // A code's use is what the shopper asked for: refuse. An automatic promotion ran
          // out meanwhile: evaluate again (it no longer applies) and hold the rest.
          const code = outcome.evaluation.applied.find((a) => a.promotionId === err.use.promotionId)?.code;
          if (code || attempt >= RESERVE_ATTEMPTS) {
            throw refusal([
              { code: code ?? '', reason: err.reason, message: DiscountErrors.catalog[err.reason].title },
            ]);
          }
        }
      }
    },

    async get(checkoutId) {
      const row = await repo.byCheckout(db, checkoutId);
      if (!row) throw notFound(checkoutId);
      return toRedemption(row);
    },

    commit(checkoutId, input) {
      const now = new Date(ctx.now());
      return database.transaction(async (trx) => {
        const r = await repo.byCheckout(trx, checkoutId, true);
        if (!r) throw notFound(checkoutId);
        if (r.status === 'committed') return toRedemption(r);
        if (r.status === 'released') {
          throw DiscountErrors.DISCOUNT_REDEMPTION_RELEASED(
            `the redemption of checkout ${checkoutId} was released (${r.release_reason ?? 'cancelled'})`,
          );
        }
        // A hold past its expiry that the sweeper has not released still counts against
        // the limits, so committing it cannot over-redeem: the saga's last step succeeds.
        const row = await repo.setStatus(trx, r.id, 'committed', now, { order_id: input.orderId ?? null });
        const data: DiscountRedeemedV1 = {
          ...eventData(row, await repo.uses(trx, r.id)),
          orderId: row.order_id,
        };
        await outbox.add(trx, { type: 'discount.redeemed', subject: r.id, data });
        return toRedemption(row);
      });
    },

    release(checkoutId, input) {
      const now = new Date(ctx.now());
      return database.transaction(async (trx) => {
        const r = await repo.byCheckout(trx, checkoutId, true);
        if (!r) throw notFound(checkoutId);
        if (r.status === 'released') return toRedemption(r);
        if (r.status === 'committed') {
          throw DiscountErrors.DISCOUNT_REDEMPTION_COMMITTED(
            `the redemption of checkout ${checkoutId} is committed`,
          );
        }
        return toRedemption(await releaseRow(trx, r, input.reason ?? 'cancelled', now));
      });
    },

    expireDue(limit) {
      const now = new Date(ctx.now());
      return database.transaction(async (trx) => {
        const due = await repo.claimExpired(trx, now, limit);
        for (const r of due) await releaseRow(trx, r, 'expired', now);
        return due.length;
      });
    },
  };
}
