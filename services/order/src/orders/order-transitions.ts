import type { OrderStatus } from '@mercato/contracts';
import type { Transaction } from '@mercato/platform/db';
import { newId } from '@mercato/platform/ids';
import type { Outbox } from '@mercato/platform/messaging';
import type { OrderDB } from '../db.ts';
import { OrderErrors } from '../errors.ts';
import type { OrderRow } from './order.ts';
import { orderRepository as repo } from './order-repository.ts';
import { assertTransition } from './order-status.ts';

/** What a transition may carry beyond the status (for the event and the row). */
export interface TransitionExtras {
  paymentId?: string;
  paidAt?: Date;
  deliveredAt?: Date;
  shipmentId?: string | null;
  trackingNumber?: string | null;
  refundDue?: number;
}

/**
 * Moves a locked order to `to` (409 ORDER_INVALID_TRANSITION when the state machine does not
 * allow it): the row, a status history entry and the status's event, all in the caller's
 * transaction. The caller read the order `forUpdate`, so concurrent transitions of one order
 * queue on its row and each sees the status the one before left; the update is besides a
 * compare-and-set on the status and version the caller read, so a move decided on a stale
 * read (no lock, or the row changed since) is refused instead of overwriting the other.
 */
export async function applyTransition(
  trx: Transaction<OrderDB>,
  outbox: Outbox,
  order: OrderRow,
  to: OrderStatus,
  change: { actor: string; reason: string | null },
  extras: TransitionExtras = {},
): Promise<OrderRow> {
  assertTransition(order.status, to);
  const moved = await repo.update(
    trx,
    order.id,
    {
      status: to,
      ...(extras.paymentId !== undefined && { paymentId: extras.paymentId }),
      ...(extras.deliveredAt !== undefined && { deliveredAt: extras.deliveredAt }),
      ...(to === 'paid' && { paidAt: extras.paidAt ?? new Date() }),
    },
    { status: order.status, version: order.version },
  );
  if (!moved) {
    throw OrderErrors.ORDER_INVALID_TRANSITION(
      `order ${order.number} is no longer ${order.status} at version ${order.version}: it changed meanwhile`,
    );
  }
  await repo.addHistory(trx, {
    id: newId(),
    orderId: order.id,
    from: order.status,
    to,
    actor: change.actor,
    reason: change.reason,
  });
  const after: OrderRow = {
    ...order,
    status: to,
    version: order.version + 1,
    paymentId: extras.paymentId ?? order.paymentId,
    deliveredAt: extras.deliveredAt ?? order.deliveredAt,
    paidAt: to === 'paid' ? (extras.paidAt ?? new Date()) : order.paidAt,
  };
  await publishStatusEvent(trx, outbox, order.status, after, change, extras);
  return after;
}

/** Records a change that is not a status move (a partial refund, a partial fulfilment) in the history. */
export async function recordInHistory(
  trx: Transaction<OrderDB>,
  order: OrderRow,
  change: { actor: string; reason: string },
): Promise<void> {
  await repo.addHistory(trx, {
    id: newId(),
    orderId: order.id,
    from: order.status,
    to: order.status,
    actor: change.actor,
    reason: change.reason,
  });
}

const ref = (o: OrderRow) => ({ orderId: o.id, orderNumber: o.number, customerId: o.customerId });
const money = (o: OrderRow, amount: number) => ({ amount, currency: o.currency });

async function publishStatusEvent(
  trx: Transaction<OrderDB>,
  outbox: Outbox,
  from: OrderStatus,
  o: OrderRow,
  change: { actor: string; reason: string | null },
  extras: TransitionExtras,
): Promise<void> {
  const subject = o.id;
  switch (o.status) {
    case 'confirmed': {
      const lines = await repo.lines(trx, o.id);
      await outbox.add(trx, {
        type: 'order.confirmed',
        subject,
        data: {
          ...ref(o),
          checkoutId: o.checkoutId,
          email: o.email,
          total: money(o, o.total),
          lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
        },
      });
      return;
    }
    case 'paid':
      await outbox.add(trx, {
        type: 'order.paid',
        subject,
        data: { ...ref(o), paymentId: o.paymentId, amount: money(o, o.total) },
      });
      return;
    case 'shipped':
      await outbox.add(trx, {
        type: 'order.shipped',
        subject,
        data: {
          ...ref(o),
          shipmentId: extras.shipmentId ?? null,
          trackingNumber: extras.trackingNumber ?? null,
        },
      });
      return;
    case 'delivered':
      // Back from return_requested (a declined return) is no new delivery.
      if (from === 'return_requested') return;
      await outbox.add(trx, {
        type: 'order.delivered',
        subject,
        data: { ...ref(o), deliveredAt: (o.deliveredAt ?? new Date()).toISOString() },
      });
      return;
    case 'completed':
      await outbox.add(trx, { type: 'order.completed', subject, data: ref(o) });
      return;
    case 'cancelled': {
      const lines = await repo.lines(trx, o.id);
      await outbox.add(trx, {
        type: 'order.cancelled',
        subject,
        data: {
          ...ref(o),
          previousStatus: from,
          reason: change.reason ?? 'cancelled',
          cancelledBy: change.actor,
          refundDue: money(o, extras.refundDue ?? 0),
          lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
        },
      });
      return;
    }
    default:
      // partially_fulfilled, fulfilled, returned: no event of their own; return_requested and
      // refunded are announced by the return and refund use cases, which know the details.
      return;
  }
}
