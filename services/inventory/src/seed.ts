import { type ServiceContext } from '@mercato/platform/service';
import { newId } from '@mercato/platform/ids';
import { jsonb } from '@mercato/platform/db';
import { type InventoryDB } from './db.ts';

const warehouses = [
  {
    code: 'MAIN',
    name: 'Main warehouse',
    priority: 1,
    address: { line1: '1 Harbour Road', city: 'Rotterdam', postalCode: '3011', country: 'NL' },
  },
  {
    code: 'EAST',
    name: 'East fulfilment centre',
    priority: 2,
    address: { line1: '20 Lagerstrasse', city: 'Leipzig', postalCode: '04109', country: 'DE' },
  },
];

/** Demo warehouses; creates only the missing ones, so every start may run it. */
export async function seedInventory(ctx: ServiceContext<InventoryDB>): Promise<void> {
  await ctx.database.transaction(async (trx) => {
    for (const w of warehouses) {
      await trx
        .insertInto('warehouses')
        .values({
          id: newId(),
          code: w.code,
          name: w.name,
          priority: w.priority,
          address: jsonb(w.address),
          active: true,
          low_stock_threshold: 5,
        })
        .onConflict((oc) => oc.column('code').doNothing())
        .execute();
    }
  });
}
