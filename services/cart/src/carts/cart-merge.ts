import type { ServiceContext } from '@mercato/platform/service';
import type { CartDB } from '../db.ts';
import { CartErrors } from '../errors.ts';
import { lookupAvailability, sellableUnits, type CartClients } from '../upstream/calls.ts';
import { customerOf, notFound, type Caller } from './cart-access.ts';
import { MAX_LINES, MAX_QUANTITY, type CartRecord } from './cart.ts';
import { cartUpdated } from './cart-events.ts';
import { cartRepository } from './cart-repository.ts';
import type { CartStore } from './cart-store.ts';
import type { CartWriter } from './cart-writer.ts';

/**
 * The customer's cart with a guest cart's lines joined in (sign-in): a SKU in both gets the
 * sum of the quantities, capped at what is available now (and at 999); a line the customer
 * already had is never lowered by the cap. A guest line with nothing available, priced in
 * another currency than the customer's cart, or beyond the 100-line limit is left out. An
 * empty customer cart takes the guest cart's currency (and its country when it has none).
 */
export function mergeLines(
  target: CartRecord,
  guest: CartRecord,
  unitsOf: (sku: string) => number,
): CartRecord {
  const adopt = target.lines.length === 0;
  const currency = adopt ? guest.currency : target.currency;
  const lines = target.lines.map((l) => ({ ...l }));
  for (const g of guest.lines) {
    if (g.snapshot.unitPrice.currency !== currency) continue;
    const cap = Math.min(MAX_QUANTITY, unitsOf(g.sku));
    const mine = lines.find((l) => l.sku === g.sku);
    if (mine) {
      mine.quantity = Math.max(mine.quantity, Math.min(mine.quantity + g.quantity, cap));
    } else if (lines.length < MAX_LINES && cap > 0) {
      lines.push({ ...g, quantity: Math.min(g.quantity, cap) });
    }
  }
  return {
    ...target,
    currency,
    country: target.country ?? guest.country,
    lines,
  };
}

export interface MergeDeps {
  ctx: Pick<ServiceContext<CartDB>, 'database' | 'outbox'> & { clients: Pick<CartClients, 'inventory'> };
  store: CartStore;
  writer: CartWriter;
}

/**
 * Sign-in: the guest cart's lines join the customer's active cart (created when they have
 * none) and the guest cart closes (`merged`), both in one transaction with their events.
 * Availability is asked before the rows are locked.
 */
export async function mergeGuestCart(
  deps: MergeDeps,
  caller: Caller,
  guestCartId: string,
): Promise<CartRecord> {
  const { ctx, store, writer } = deps;
  const customerId = customerOf(caller);
  if (!customerId) throw CartErrors.CART_CUSTOMER_ONLY('sign in as a customer to merge a guest cart');
  const guest = await store.get(guestCartId);
  if (!guest) throw notFound(guestCartId);
  if (guest.customerId !== null) {
    if (guest.customerId !== customerId) throw notFound(guestCartId);
    throw CartErrors.CART_NOT_A_GUEST_CART('this is your own cart, not a guest cart');
  }
  const skus = guest.lines.map((l) => l.sku);
  const availability = skus.length > 0 ? await lookupAvailability(ctx.clients, skus) : new Map();
  const [target, gone] = await writer.retryOnceOnUnique(() =>
    ctx.database.transaction(async (trx) => {
      const g = await writer.lockActive(trx, guestCartId);
      const { cart } = await writer.customerCart(trx, customerId, {
        currency: g.currency,
        country: g.country,
      });
      const merged = writer.changed(mergeLines(cart, g, (sku) => sellableUnits(availability.get(sku))));
      const away = writer.changed({ ...g, status: 'merged' as const, mergedInto: cart.id });
      await cartRepository.update(trx, merged);
      await cartRepository.update(trx, away);
      await ctx.outbox.addMany(trx, [cartUpdated(merged, 'merged_in'), cartUpdated(away, 'merged_away')]);
      return [merged, away] as const;
    }),
  );
  await store.put(target);
  await store.put(gone);
  return target;
}
