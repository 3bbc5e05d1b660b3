import { afterCommit, type Transaction } from '@mercato/platform/db';
import type { EventSubscription } from '@mercato/platform/messaging';
import type { ServiceContext } from '@mercato/platform/service';
import { cartUpdated } from '../carts/cart-events.ts';
import { cartRepository as repo } from '../carts/cart-repository.ts';
import type { CartStore } from '../carts/cart-store.ts';
import type { CartDB } from '../db.ts';

/**
 * Catalog's product events mark the lines of active carts between reads: product.deactivated
 * (archived) and a product.updated whose status is not active mark its SKUs' lines
 * `deactivated`; a product.updated back to active clears the mark. A cart whose lines
 * changed gets a new version and cart.updated (reason lines_marked); its shopper's activity
 * time is left alone (abandonment counts shopper changes). Reads revalidate against the
 * catalog anyway; the mark is what a cart says when the catalog cannot be asked, and what
 * the event's consumers (notifications) learn.
 */
export function productSubscription(
  ctx: Pick<ServiceContext<CartDB>, 'outbox'>,
  store: CartStore,
): EventSubscription<CartDB> {
  async function mark(
    trx: Transaction<CartDB>,
    skus: readonly string[],
    deactivated: boolean,
  ): Promise<void> {
    const set = new Set(skus);
    for (const cart of await repo.lockActiveWithSkus(trx, skus)) {
      if (!cart.lines.some((l) => set.has(l.sku) && l.deactivated !== deactivated)) continue;
      const next = {
        ...cart,
        version: cart.version + 1,
        lines: cart.lines.map((l) => (set.has(l.sku) ? { ...l, deactivated } : l)),
      };
      await repo.update(trx, next);
      await ctx.outbox.add(trx, cartUpdated(next, 'lines_marked'));
      afterCommit(trx, () => void store.put(next));
    }
  }
  return {
    name: 'catalog-products',
    on: {
      'product.updated': (trx, { data }) => mark(trx, data.skus, data.status !== 'active'),
      'product.deactivated': (trx, { data }) => mark(trx, data.skus, true),
    },
  };
}
