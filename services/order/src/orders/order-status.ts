import type { OrderStatus } from '@mercato/contracts';
import { OrderErrors } from '../errors.ts';

/**
 * The order state machine: which status may follow which. Fulfilment runs pending →
 * confirmed → paid → (partially_)fulfilled → shipped → delivered → completed; an order is
 * cancelled only before it ships; a delivered (or completed) order may be asked back
 * (return_requested → returned, or back to delivered when the return is declined); refunded
 * is the end of an order whose whole payment went back. A partial refund is not a status:
 * the order keeps its place and says `refundStatus: partial` (history records it).
 */
export const TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: ['confirmed', 'cancelled'],
  confirmed: ['paid', 'cancelled'],
  paid: ['partially_fulfilled', 'fulfilled', 'shipped', 'cancelled', 'refunded'],
  partially_fulfilled: ['partially_fulfilled', 'fulfilled', 'shipped', 'cancelled', 'refunded'],
  fulfilled: ['shipped', 'cancelled', 'refunded'],
  shipped: ['delivered'],
  delivered: ['completed', 'return_requested', 'refunded'],
  return_requested: ['returned', 'delivered', 'refunded'],
  returned: ['completed', 'refunded'],
  completed: ['return_requested', 'refunded'],
  cancelled: ['refunded'],
  refunded: [],
};

/** Statuses an order can still be cancelled from (before shipment). */
export const CANCELLABLE: readonly OrderStatus[] = (Object.keys(TRANSITIONS) as OrderStatus[]).filter((s) =>
  TRANSITIONS[s].includes('cancelled'),
);

/** Statuses a customer may cancel from themselves (before fulfilment starts). */
export const CUSTOMER_CANCELLABLE: readonly OrderStatus[] = ['pending', 'confirmed', 'paid'];

/** Statuses in which the payment was captured (money to give back on cancel or refund). */
export const PAID_STATUSES: readonly OrderStatus[] = [
  'paid',
  'partially_fulfilled',
  'fulfilled',
  'shipped',
  'delivered',
  'completed',
  'return_requested',
  'returned',
];

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Throws 409 ORDER_INVALID_TRANSITION naming both statuses and what is allowed. */
export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  if (canTransition(from, to)) return;
  const allowed = TRANSITIONS[from];
  throw OrderErrors.ORDER_INVALID_TRANSITION(
    `an order that is ${from} cannot become ${to}` +
      (allowed.length ? ` (allowed: ${allowed.join(', ')})` : ' (it is final)'),
  );
}
