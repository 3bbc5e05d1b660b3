import { MAX_LINES, MAX_QUANTITY, type CartRecord } from './cart.ts';

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
