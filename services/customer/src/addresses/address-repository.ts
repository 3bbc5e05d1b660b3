import type { Kysely, Selectable } from '@mercato/platform/db';
import type { AddressesTable, CustomerDB } from '../db.ts';
import type { Address } from './address.ts';

export function toAddress(row: Selectable<AddressesTable>): Address {
  return {
    id: row.id,
    label: row.label,
    name: row.name,
    company: row.company,
    line1: row.line1,
    line2: row.line2,
    city: row.city,
    region: row.region,
    postalCode: row.postal_code,
    country: row.country,
    phone: row.phone,
    defaultShipping: row.default_shipping,
    defaultBilling: row.default_billing,
  };
}

/** The columns of an address (its id and owner aside). */
export type AddressColumns = Omit<AddressesTable, 'id' | 'customer_id' | 'created_at'>;

/** SQL of the address book. Write methods take the caller's transaction (which holds the customer's row lock). */
export const addressRepository = {
  async list(db: Kysely<CustomerDB>, customerId: string): Promise<Address[]> {
    const rows = await db
      .selectFrom('addresses')
      .selectAll()
      .where('customer_id', '=', customerId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toAddress);
  },

  async find(db: Kysely<CustomerDB>, customerId: string, id: string): Promise<Address | undefined> {
    const row = await db
      .selectFrom('addresses')
      .selectAll()
      .where('customer_id', '=', customerId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toAddress(row);
  },

  async count(trx: Kysely<CustomerDB>, customerId: string): Promise<number> {
    const r = await trx
      .selectFrom('addresses')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('customer_id', '=', customerId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  },

  /** Takes the default flags the new address claims away from the others. */
  async clearDefaults(
    trx: Kysely<CustomerDB>,
    customerId: string,
    flags: { shipping: boolean; billing: boolean },
  ): Promise<void> {
    if (flags.shipping)
      await trx
        .updateTable('addresses')
        .set({ default_shipping: false })
        .where('customer_id', '=', customerId)
        .where('default_shipping', '=', true)
        .execute();
    if (flags.billing)
      await trx
        .updateTable('addresses')
        .set({ default_billing: false })
        .where('customer_id', '=', customerId)
        .where('default_billing', '=', true)
        .execute();
  },

  async insert(trx: Kysely<CustomerDB>, customerId: string, id: string, a: AddressColumns): Promise<Address> {
    const row = await trx
      .insertInto('addresses')
      .values({ id, customer_id: customerId, ...a })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toAddress(row);
  },

  async replace(
    trx: Kysely<CustomerDB>,
    customerId: string,
    id: string,
    a: AddressColumns,
  ): Promise<Address | undefined> {
    const row = await trx
      .updateTable('addresses')
      .set(a)
      .where('customer_id', '=', customerId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row && toAddress(row);
  },

  async remove(trx: Kysely<CustomerDB>, customerId: string, id: string): Promise<boolean> {
    const r = await trx
      .deleteFrom('addresses')
      .where('customer_id', '=', customerId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  },

  async removeAll(trx: Kysely<CustomerDB>, customerId: string): Promise<void> {
    await trx.deleteFrom('addresses').where('customer_id', '=', customerId).execute();
  },
};
