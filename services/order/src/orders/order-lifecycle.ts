import type { Order } from '@mercato/contracts';
import { checkVersion, type ExpectedVersion } from '@mercato/platform/http';
import type { ServiceContext } from '@mercato/platform/service';
import type { Transaction } from '@mercato/platform/db';
import type { OrderDB } from '../db.ts';
import { OrderErrors } from '../errors.ts';
import type { Actor, OrderRow, TransitionInput } from './order.ts';
import { cancelsAny, has, notFound, requireService, requireVisible } from './order-access.ts';
import { orderRepository as repo } from './order-repository.ts';
import { CUSTOMER_CANCELLABLE, PAID_STATUSES, assertTransition } from './order-status.ts';
import { applyTransition, recordInHistory } from './order-transitions.ts';

/** Called when a cancelled order had been paid: what was paid goes back (the refund use case). */
export type RefundOnCancel = (trx: Transaction<OrderDB>, order: OrderRow, actor: Actor) => Promise<unknown>;

/** Moving orders through their life: the saga's steps, cancellation, and staff's fulfilment steps. */
export interface OrderLifecycle {
  attachPayment(id: string, paymentId: string, actor: Actor): Promise<Order>;
  confirm(id: string, paymentId: string | undefined, actor: Actor): Promise<Order>;
  cancel(id: string, reason: string | undefined, actor: Actor): Promise<Order>;
  transition(id: string, input: TransitionInput, expected: ExpectedVersion, actor: Actor): Promise<Order>;
}

export function createOrderLifecycle(
  ctx: Pick<ServiceContext<OrderDB>, 'database' | 'outbox'>,
  opts: { now: () => Date; refundOnCancel: RefundOnCancel },
): OrderLifecycle {
  const { database, outbox } = ctx;

  /** Runs fn on the order locked for update, then answers the order as it is after the commit. */
  async function onLocked(id: string, fn: (trx: Transaction<OrderDB>, order: OrderRow) => Promise<void>) {
    await database.transaction(async (trx) => {
      const order = await repo.find(trx, id, { forUpdate: true });
      if (!order) throw notFound(id);
      await fn(trx, order);
    });
    const view = await repo.view(database.db, id);
    if (!view) throw notFound(id);
    return view;
  }

  function samePayment(order: OrderRow, paymentId: string) {
    if (order.paymentId !== null && order.paymentId !== paymentId) {
      throw OrderErrors.ORDER_PAYMENT_CONFLICT(`order ${order.number} has payment ${order.paymentId}`);
    }
  }

  return {
    attachPayment(id, paymentId, actor) {
      requireService(actor);
      return onLocked(id, async (trx, order) => {
        samePayment(order, paymentId);
        if (order.paymentId === paymentId) return;
        if (order.status === 'cancelled' || order.status === 'refunded') {
          throw OrderErrors.ORDER_INVALID_TRANSITION(`order ${order.number} is ${order.status}`);
        }
        await repo.update(trx, order.id, { paymentId });
      });
    },

    confirm(id, paymentId, actor) {
      requireService(actor);
      return onLocked(id, async (trx, order) => {
        if (paymentId !== undefined) samePayment(order, paymentId);
        // A repeated step 7 finds the order confirmed (or already paid): nothing to do.
        if (order.status !== 'pending' && PAID_STATUSES.concat('confirmed').includes(order.status)) return;
        await applyTransition(
          trx,
          outbox,
          order,
          'confirmed',
          { actor: actor.subject, reason: 'checkout completed' },
          paymentId === undefined ? {} : { paymentId },
        );
      });
    },

    cancel(id, reason, actor) {
      return onLocked(id, async (trx, order) => {
        const staff = cancelsAny(actor);
        if (!staff) requireVisible(actor, order, id);
        if (order.status === 'cancelled') return;
        assertTransition(order.status, 'cancelled');
        if (!staff && !CUSTOMER_CANCELLABLE.includes(order.status)) {
          throw OrderErrors.ORDER_INVALID_TRANSITION(
            `order ${order.number} is ${order.status}: being fulfilled, so only support can cancel it now`,
          );
        }
        // What was captured and not yet refunded goes back.
        const paid = order.paidAt !== null && order.total > order.refundedTotal;
        const moved = await applyTransition(
          trx,
          outbox,
          order,
          'cancelled',
          {
            actor: actor.subject,
            reason: reason ?? (actor.kind === 'service' ? 'checkout rolled back' : 'cancelled'),
          },
          { refundDue: paid ? order.total - order.refundedTotal : 0 },
        );
        if (paid) await opts.refundOnCancel(trx, moved, actor);
      });
    },

    transition(id, input, expected, actor) {
      if (!has(actor, 'orders:write')) throw notFound(id);
      return onLocked(id, async (trx, order) => {
        checkVersion(expected, order.version);
        const change = { actor: actor.subject, reason: input.reason ?? null };
        const lines = await repo.lines(trx, order.id);
        if (input.to === 'partially_fulfilled') {
          assertTransition(order.status, 'partially_fulfilled');
          if (!input.lines)
            throw OrderErrors.ORDER_LINE_NOT_FOUND('partially_fulfilled names the lines packed');
          for (const packed of input.lines) {
            const line = lines.find((l) => l.line_no === packed.lineNo);
            if (!line)
              throw OrderErrors.ORDER_LINE_NOT_FOUND(`order ${order.number} has no line ${packed.lineNo}`);
            const fulfilled = line.fulfilled_quantity + packed.quantity;
            if (fulfilled > line.quantity) {
              throw OrderErrors.ORDER_LINE_NOT_FOUND(
                `line ${packed.lineNo} has ${line.quantity - line.fulfilled_quantity} units left to fulfil`,
              );
            }
            line.fulfilled_quantity = fulfilled;
            await repo.updateLine(trx, order.id, line.line_no, { fulfilledQuantity: fulfilled });
          }
          // Packing the last units fulfils the order.
          const complete = lines.every((l) => l.fulfilled_quantity === l.quantity);
          const to = complete ? 'fulfilled' : 'partially_fulfilled';
          if (to === 'partially_fulfilled' && order.status === 'partially_fulfilled') {
            await recordInHistory(trx, order, {
              actor: actor.subject,
              reason: input.reason ?? 'more units packed',
            });
            await repo.update(trx, order.id, {});
            return;
          }
          await applyTransition(trx, outbox, order, to, change);
          return;
        }
        assertTransition(order.status, input.to);
        if (input.to === 'fulfilled' || input.to === 'shipped') {
          for (const l of lines) {
            if (l.fulfilled_quantity !== l.quantity) {
              await repo.updateLine(trx, order.id, l.line_no, { fulfilledQuantity: l.quantity });
            }
          }
        }
        await applyTransition(trx, outbox, order, input.to, change, {
          ...(input.to === 'delivered' && { deliveredAt: opts.now() }),
          shipmentId: input.shipmentId ?? null,
          trackingNumber: input.trackingNumber ?? null,
        });
      });
    },
  };
}
