import type { ServiceContext } from '@mercato/platform/service';
import { addressRepository } from '../addresses/address-repository.ts';
import type { Address } from '../addresses/address.ts';
import type { CustomerDB } from '../db.ts';
import { CustomerErrors } from '../errors.ts';
import { loyaltyRepository } from '../loyalty/loyalty-repository.ts';
import { standing, type Loyalty, type LoyaltyMovement } from '../loyalty/loyalty.ts';
import { profileRepository, toCustomer } from '../profiles/profile-repository.ts';
import type { Customer } from '../profiles/profile.ts';

/** Everything this service holds about one customer (a data-access request's answer). */
export interface CustomerExport {
  exportedAt: string;
  profile: Customer;
  addresses: Address[];
  loyalty: Loyalty & { movements: LoyaltyMovement[] };
}

/** Data access and erasure requests. */
export interface PrivacyService {
  export(customerId: string): Promise<CustomerExport>;
  /**
   * Erases the personal data: name, email, phone, locale and the address book go, consent
   * is withdrawn; the row, its id and the points ledger stay (orders refer to them). Once
   * erased, a second request changes nothing.
   */
  anonymize(customerId: string, source: string): Promise<void>;
}

export function createPrivacyService(
  ctx: Pick<ServiceContext<CustomerDB>, 'database' | 'outbox'>,
): PrivacyService {
  const { database, outbox } = ctx;
  return {
    async export(customerId) {
      const row = await profileRepository.find(database.db, customerId);
      if (!row) throw CustomerErrors.CUSTOMER_NOT_FOUND(`no customer ${customerId}`);
      const [addresses, movements] = await Promise.all([
        addressRepository.list(database.db, customerId),
        loyaltyRepository.allMovements(database.db, customerId),
      ]);
      return {
        exportedAt: new Date().toISOString(),
        profile: toCustomer(row),
        addresses,
        loyalty: { ...standing(row.points_balance), movements },
      };
    },

    async anonymize(customerId, source) {
      await database.transaction(async (trx) => {
        const row = await profileRepository.find(trx, customerId, { forUpdate: true });
        if (!row) throw CustomerErrors.CUSTOMER_NOT_FOUND(`no customer ${customerId}`);
        if (row.anonymized_at) return;
        await addressRepository.removeAll(trx, customerId);
        const now = new Date();
        const erased = await profileRepository.update(trx, customerId, {
          email: null,
          name: null,
          phone: null,
          locale: null,
          marketing_consent: false,
          consent_changed_at: now,
          consent_source: source,
          anonymized_at: now,
        });
        await outbox.add(trx, {
          type: 'customer.updated',
          subject: customerId,
          data: {
            customerId,
            changed: ['email', 'name', 'phone', 'locale', 'marketingConsent', 'addresses'],
            marketingConsent: false,
            locale: null,
            anonymized: true,
            version: erased.version,
          },
        });
      });
    },
  };
}
