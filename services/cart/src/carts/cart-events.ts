import type { EventData } from '@mercato/contracts';
import type { CartRecord } from './cart.ts';

type CartEventFields = Pick<
  EventData<'cart.updated'>,
  'cartId' | 'customerId' | 'lines' | 'subtotal' | 'version'
>;

/** The fields every cart event carries: who, what lines at which stored prices, the subtotal. */
export function cartEventFields(cart: CartRecord): CartEventFields {
  return {
    cartId: cart.id,
    customerId: cart.customerId,
    lines: cart.lines.map((l) => ({
      sku: l.sku,
      quantity: l.quantity,
      unitPrice: l.snapshot.unitPrice,
      title: l.snapshot.title,
    })),
    subtotal: {
      amount: cart.lines.reduce((s, l) => s + l.snapshot.unitPrice.amount * l.quantity, 0),
      currency: cart.currency,
    },
    version: cart.version,
  };
}

/** Why a cart changed, as cart.updated says it. */
export type UpdateReason =
  | 'line_added'
  | 'line_changed'
  | 'line_removed'
  | 'merged_in'
  | 'merged_away'
  | 'details_changed'
  | 'lines_marked';

export function cartUpdated(cart: CartRecord, reason: UpdateReason) {
  return { type: 'cart.updated' as const, subject: cart.id, data: { ...cartEventFields(cart), reason } };
}
