import { newId } from '@mercato/platform/ids';
import type { Transaction } from '@mercato/platform/db';
import type { ServiceContext } from '@mercato/platform/service';
import type { CustomerDB } from '../db.ts';
import { CustomerErrors } from '../errors.ts';
import { profileRepository } from '../profiles/profile-repository.ts';
import type { ProfileService, Self } from '../profiles/profile-service.ts';
import { addressRepository as repo, type AddressColumns } from './address-repository.ts';
import { checkAddress, normalizePhone, normalizePostalCode } from './address-rules.ts';
import { ADDRESS_BOOK_LIMIT, type Address, type AddressInput } from './address.ts';

/** Use cases of the address book. */
export interface AddressService {
  list(self: Self): Promise<Address[]>;
  add(self: Self, input: AddressInput): Promise<Address>;
  replace(self: Self, id: string, input: AddressInput): Promise<Address>;
  remove(self: Self, id: string): Promise<void>;
  /** Another service's (or support's) read of one address. */
  get(customerId: string, id: string): Promise<Address>;
  /** Every address of a customer (support's view). */
  listOf(customerId: string): Promise<Address[]>;
}

/** An address input as stored: normalized, and checked against its country's rules. */
function columns(input: AddressInput): AddressColumns {
  const postalCode = normalizePostalCode(input.postalCode);
  const a = {
    country: input.country,
    postalCode,
    region: input.region ?? null,
    phone: input.phone ?? null,
  };
  const violations = checkAddress(a);
  if (violations.length > 0) {
    throw CustomerErrors.CUSTOMER_ADDRESS_INVALID(violations.map((v) => v.message).join('; '), {
      errors: violations,
    });
  }
  return {
    label: input.label ?? null,
    name: input.name,
    company: input.company ?? null,
    line1: input.line1,
    line2: input.line2 ?? null,
    city: input.city,
    region: a.region,
    postal_code: postalCode,
    country: input.country,
    phone: a.phone === null ? null : (normalizePhone(a.phone, input.country) ?? null),
    default_shipping: input.defaultShipping ?? false,
    default_billing: input.defaultBilling ?? false,
  };
}

export function createAddressService(
  ctx: Pick<ServiceContext<CustomerDB>, 'database'>,
  profiles: Pick<ProfileService, 'own'>,
): AddressService {
  const { database } = ctx;

  /** Runs a change of the caller's address book under their profile's row lock. */
  async function locked<T>(self: Self, work: (trx: Transaction<CustomerDB>) => Promise<T>): Promise<T> {
    await profiles.own(self);
    return database.transaction(async (trx) => {
      const row = await profileRepository.find(trx, self.subject, { forUpdate: true });
      if (!row) throw CustomerErrors.CUSTOMER_NOT_FOUND(`no customer ${self.subject}`);
      if (row.anonymized_at)
        throw CustomerErrors.CUSTOMER_ANONYMIZED(`customer ${row.id} was erased on request`);
      return work(trx);
    });
  }

  function notFound(id: string) {
    return CustomerErrors.CUSTOMER_ADDRESS_NOT_FOUND(`no address ${id}`);
  }

  return {
    async list(self) {
      await profiles.own(self);
      return repo.list(database.db, self.subject);
    },

    async add(self, input) {
      const a = columns(input);
      return locked(self, async (trx) => {
        const count = await repo.count(trx, self.subject);
        if (count >= ADDRESS_BOOK_LIMIT)
          throw CustomerErrors.CUSTOMER_ADDRESS_LIMIT(`remove an address before adding a ${count + 1}st`);
        // The first address is where things go and who pays unless the customer says otherwise.
        if (count === 0) {
          a.default_shipping = input.defaultShipping ?? true;
          a.default_billing = input.defaultBilling ?? true;
        }
        await repo.clearDefaults(trx, self.subject, {
          shipping: a.default_shipping,
          billing: a.default_billing,
        });
        return repo.insert(trx, self.subject, newId(), a);
      });
    },

    async replace(self, id, input) {
      const a = columns(input);
      return locked(self, async (trx) => {
        if (!(await repo.find(trx, self.subject, id))) throw notFound(id);
        await repo.clearDefaults(trx, self.subject, {
          shipping: a.default_shipping,
          billing: a.default_billing,
        });
        const out = await repo.replace(trx, self.subject, id, a);
        if (!out) throw notFound(id);
        return out;
      });
    },

    async remove(self, id) {
      await locked(self, async (trx) => {
        if (!(await repo.remove(trx, self.subject, id))) throw notFound(id);
      });
    },

    async get(customerId, id) {
      const a = await repo.find(database.db, customerId, id);
      if (!a) throw notFound(id);
      return a;
    },

    listOf: (customerId) => repo.list(database.db, customerId),
  };
}
