import type { EventData } from '@mercato/contracts';
import type { Transaction } from '@mercato/platform/db';
import { requireVersion, type ExpectedVersion, type Page } from '@mercato/platform/http';
import type { PageWindow } from '@mercato/platform/db';
import type { ServiceContext } from '@mercato/platform/service';
import { normalizePhone } from '../addresses/address-rules.ts';
import type { CustomerDB } from '../db.ts';
import { CustomerErrors } from '../errors.ts';
import { profileRepository as repo, toCustomer, type ProfileChanges } from './profile-repository.ts';
import type { ChangeMeta, Customer, ProfilePatch } from './profile.ts';

/** Who is asking for their own profile: the verified token's subject and email. */
export interface Self {
  subject: string;
  email?: string;
}

/** Use cases of customer profiles. */
export interface ProfileService {
  /** The caller's profile, created on first use when user.registered has not arrived yet. */
  own(self: Self): Promise<Customer>;
  /** Changes the caller's profile (If-Match: the version read). */
  update(self: Self, patch: ProfilePatch, expected: ExpectedVersion, meta: ChangeMeta): Promise<Customer>;
  get(id: string): Promise<Customer>;
  search(q: PageWindow & { search?: string }): Promise<Page<Customer>>;
  /** The profile of a newly registered user (user.registered); nothing when it exists. */
  register(trx: Transaction<CustomerDB>, user: EventData<'user.registered'>): Promise<void>;
}

export function createProfileService(
  ctx: Pick<ServiceContext<CustomerDB>, 'database' | 'outbox'>,
): ProfileService {
  const { database, outbox } = ctx;

  async function create(trx: Transaction<CustomerDB>, id: string, email: string | null, name: string | null) {
    const row = await repo.insertIfAbsent(trx, { id, email, name });
    if (!row) return undefined;
    await outbox.add(trx, {
      type: 'customer.created',
      subject: id,
      data: { customerId: id, email: email ?? '', name, marketingConsent: false },
    });
    return row;
  }

  function live(row: { anonymized_at: Date | null; id: string }) {
    if (row.anonymized_at)
      throw CustomerErrors.CUSTOMER_ANONYMIZED(`customer ${row.id} was erased on request`);
  }

  async function own(self: Self): Promise<Customer> {
    const found = await repo.find(database.db, self.subject);
    if (found) {
      live(found);
      return toCustomer(found);
    }
    return database.transaction(async (trx) => {
      const row =
        (await create(trx, self.subject, self.email ?? null, null)) ?? (await repo.find(trx, self.subject));
      if (!row) throw CustomerErrors.CUSTOMER_NOT_FOUND(`no customer ${self.subject}`);
      return toCustomer(row);
    });
  }

  return {
    own,

    async update(self, patch, expected, meta) {
      const changes: ProfileChanges = {};
      if (patch.name !== undefined) changes.name = patch.name;
      if (patch.locale !== undefined) changes.locale = patch.locale;
      if (patch.phone !== undefined) {
        const phone = patch.phone === null ? null : normalizePhone(patch.phone);
        if (phone === undefined)
          throw CustomerErrors.CUSTOMER_PHONE_INVALID('give the number in international form (+44 20 …)', {
            errors: [{ path: '/phone', message: 'not a valid phone number' }],
          });
        changes.phone = phone;
      }
      await own(self);
      return database.transaction(async (trx) => {
        const current = await repo.find(trx, self.subject, { forUpdate: true });
        if (!current) throw CustomerErrors.CUSTOMER_NOT_FOUND(`no customer ${self.subject}`);
        live(current);
        requireVersion(expected, current.version);
        if (patch.marketingConsent !== undefined && patch.marketingConsent !== current.marketing_consent) {
          changes.marketing_consent = patch.marketingConsent;
          changes.consent_changed_at = new Date();
          changes.consent_source = meta.source;
        }
        const changed = Object.keys(changes).filter(
          (k) => k !== 'consent_changed_at' && k !== 'consent_source',
        );
        const row = await repo.update(trx, self.subject, changes);
        await outbox.add(trx, {
          type: 'customer.updated',
          subject: row.id,
          data: {
            customerId: row.id,
            changed: changed.map((k) => (k === 'marketing_consent' ? 'marketingConsent' : k)),
            marketingConsent: row.marketing_consent,
            locale: row.locale,
            anonymized: false,
            version: row.version,
          },
        });
        return toCustomer(row);
      });
    },

    async get(id) {
      const row = await repo.find(database.db, id);
      if (!row) throw CustomerErrors.CUSTOMER_NOT_FOUND(`no customer ${id}`);
      return toCustomer(row);
    },

    search: (q) => repo.search(database.db, q),

    async register(trx, user) {
      await create(trx, user.userId, user.email, user.name ?? null);
    },
  };
}
