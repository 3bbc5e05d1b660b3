import type { Transaction, PageWindow } from '@mercato/platform/db';
import { newId } from '@mercato/platform/ids';
import type { Page } from '@mercato/platform/http';
import type { ServiceContext } from '@mercato/platform/service';
import type { CustomerConfig } from '../config.ts';
import type { CustomerDB } from '../db.ts';
import { CustomerErrors } from '../errors.ts';
import { profileRepository } from '../profiles/profile-repository.ts';
import { loyaltyRepository as repo } from './loyalty-repository.ts';
import {
  pointsFor,
  standing,
  tierOf,
  type Adjustment,
  type Loyalty,
  type LoyaltyMovement,
} from './loyalty.ts';

/** The setting (settings service) that overrides CUSTOMER_POINTS_PER_UNIT. */
export const POINTS_RATE_SETTING = 'loyalty.points_per_unit';

/** Use cases of loyalty points. */
export interface LoyaltyService {
  standing(customerId: string): Promise<Loyalty>;
  movements(customerId: string, q: PageWindow): Promise<Page<LoyaltyMovement>>;
  /** An admin's adjustment; refused when it would take the balance below zero. */
  adjust(customerId: string, a: Adjustment, actor: string): Promise<LoyaltyMovement>;
  /** Points for a completed order, once per order. */
  earn(
    trx: Transaction<CustomerDB>,
    o: { customerId: string; orderId: string; amount: number; currency: string },
  ): Promise<void>;
  /** Takes back `share` (0–1] of what an order earned, never more than it has left (each event once: the kit's inbox). */
  revert(
    trx: Transaction<CustomerDB>,
    o: { customerId: string; orderId: string; share?: number },
  ): Promise<void>;
}

export function createLoyaltyService(
  ctx: Pick<ServiceContext<CustomerDB>, 'database' | 'outbox'> & { config: CustomerConfig },
): LoyaltyService {
  const { database, outbox, config } = ctx;

  async function rate(trx: Transaction<CustomerDB>): Promise<number> {
    const v = await repo.setting(trx, POINTS_RATE_SETTING);
    return typeof v === 'number' && v >= 0 ? v : config.CUSTOMER_POINTS_PER_UNIT;
  }

  /** Applies a movement under the customer's row lock; undefined when it was applied before. */
  async function move(
    trx: Transaction<CustomerDB>,
    customerId: string,
    m: {
      delta: number;
      reason: 'earned' | 'reverted' | 'adjusted';
      reference: string | null;
      note: string | null;
      actor: string | null;
    },
  ): Promise<LoyaltyMovement | undefined> {
    const customer = await profileRepository.find(trx, customerId, { forUpdate: true });
    if (!customer) throw CustomerErrors.CUSTOMER_NOT_FOUND(`no customer ${customerId}`);
    const balance = customer.points_balance + m.delta;
    if (balance < 0)
      throw CustomerErrors.CUSTOMER_POINTS_INSUFFICIENT(`the balance is ${customer.points_balance} points`);
    const id = newId();
    const inserted = await repo.insert(trx, { id, customer_id: customerId, balance_after: balance, ...m });
    if (!inserted) return undefined;
    const tier = tierOf(balance);
    await repo.setBalance(trx, customerId, balance, tier);
    await outbox.add(trx, {
      type: 'loyalty.points_changed',
      subject: customerId,
      data: { customerId, delta: m.delta, balance, tier, reason: m.reason, reference: m.reference },
    });
    return {
      id,
      delta: m.delta,
      balanceAfter: balance,
      reason: m.reason,
      reference: m.reference,
      note: m.note,
      createdAt: new Date().toISOString(),
    };
  }

  return {
    async standing(customerId) {
      const row = await profileRepository.find(database.db, customerId);
      if (!row) throw CustomerErrors.CUSTOMER_NOT_FOUND(`no customer ${customerId}`);
      return standing(row.points_balance);
    },

    async movements(customerId, q) {
      if (!(await profileRepository.find(database.db, customerId)))
        throw CustomerErrors.CUSTOMER_NOT_FOUND(`no customer ${customerId}`);
      return repo.movements(database.db, customerId, q);
    },

    async adjust(customerId, a, actor) {
      return database.transaction(async (trx) => {
        const m = await move(trx, customerId, {
          delta: a.delta,
          reason: 'adjusted',
          reference: null,
          note: a.note,
          actor,
        });
        // Adjustments carry no reference, so they are never deduplicated away.
        if (!m) throw new Error('an adjustment was not recorded');
        return m;
      });
    },

    async earn(trx, o) {
      const points = pointsFor(o.amount, o.currency, await rate(trx));
      if (points <= 0) return;
      // A profile the order's customer never got (an account made before this service) is made now.
      await profileRepository.insertIfAbsent(trx, { id: o.customerId, email: null, name: null });
      await move(trx, o.customerId, {
        delta: points,
        reason: 'earned',
        reference: o.orderId,
        note: null,
        actor: null,
      });
    },

    async revert(trx, o) {
      if (!(await profileRepository.find(trx, o.customerId))) return;
      const outstanding = await repo.outstandingFor(trx, o.customerId, o.orderId);
      const points = Math.min(outstanding, Math.ceil(outstanding * (o.share ?? 1)));
      if (points <= 0) return;
      await move(trx, o.customerId, {
        delta: -points,
        reason: 'reverted',
        reference: o.orderId,
        note: null,
        actor: null,
      });
    },
  };
}
