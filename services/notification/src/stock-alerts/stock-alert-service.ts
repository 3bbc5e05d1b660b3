import type { Principal } from '@mercato/platform/auth';
import type { Database } from '@mercato/platform/db';
import { CommonErrors } from '@mercato/platform/errors';
import type { NotificationDB } from '../db.ts';
import { NotificationErrors } from '../errors.ts';
import { contactRepository as contacts } from '../events/contact-repository.ts';
import { stockAlertRepository as repo, type StockAlertRow } from './stock-alert-repository.ts';
import type { StockAlert } from './stock-alert.ts';

export interface StockAlertService {
  /** Asks for the back-in-stock email of a SKU; `created` is false when it was asked already. */
  subscribe(principal: Principal, sku: string): Promise<{ alert: StockAlert; created: boolean }>;
  list(principal: Principal): Promise<StockAlert[]>;
  unsubscribe(principal: Principal, sku: string): Promise<void>;
}

const toAlert = (r: StockAlertRow): StockAlert => ({
  sku: r.sku,
  email: r.email,
  createdAt: r.created_at.toISOString(),
  notifiedAt: r.notified_at?.toISOString() ?? null,
});

/** A customer account's id: alerts belong to accounts (a service or an API key has none). */
function accountOf(principal: Principal): string {
  if (principal.kind !== 'user') throw CommonErrors.FORBIDDEN('stock alerts belong to customer accounts');
  return principal.subject;
}

export function createStockAlertService(
  database: Database<NotificationDB>,
  now: () => Date,
): StockAlertService {
  return {
    async subscribe(principal, sku) {
      const userId = accountOf(principal);
      return database.transaction(async (trx) => {
        const contact = await contacts.find(trx, userId);
        const email = contact?.email ?? principal.email?.toLowerCase();
        if (!email) {
          throw NotificationErrors.NOTIFICATION_CONTACT_UNKNOWN('no email address is known for this account');
        }
        const before = await repo.find(trx, userId, sku);
        const row = await repo.upsert(trx, {
          userId,
          sku,
          email,
          locale: contact?.locale ?? 'en',
          now: now(),
        });
        return { alert: toAlert(row), created: !before || before.notified_at !== null };
      });
    },
    async list(principal) {
      return (await repo.forUser(database.db, accountOf(principal))).map(toAlert);
    },
    async unsubscribe(principal, sku) {
      await repo.remove(database.db, accountOf(principal), sku);
    },
  };
}
