import type { Order } from '@mercato/contracts';
import { CommonErrors } from '@mercato/platform/errors';
import { jsonb, type Transaction } from '@mercato/platform/db';
import { newId } from '@mercato/platform/ids';
import type { ServiceContext } from '@mercato/platform/service';
import type { OrderDB } from '../db.ts';
import { OrderErrors } from '../errors.ts';
import type { Actor, OrderRow } from '../orders/order.ts';
import { has, notFound, requireVisible } from '../orders/order-access.ts';
import { orderRepository as orders } from '../orders/order-repository.ts';
import { applyTransition } from '../orders/order-transitions.ts';
import type { ShopSettingsReader } from '../settings/shop-settings.ts';

export interface ReturnRequest {
  lines: Array<{ lineNo: number; quantity: number }>;
  reason: string;
}

/** Returns: a customer asks back delivered lines within the window; staff receive them. */
export interface ReturnService {
  request(orderId: string, input: ReturnRequest, actor: Actor): Promise<Order>;
  receive(orderId: string, returnId: string, actor: Actor): Promise<Order>;
  decline(orderId: string, returnId: string, reason: string, actor: Actor): Promise<Order>;
}

const DAY_MS = 86_400_000;

export function createReturnService(
  ctx: Pick<ServiceContext<OrderDB>, 'database' | 'outbox' | 'now'>,
  settings: ShopSettingsReader,
): ReturnService {
  const { database, outbox } = ctx;

  async function onLocked(id: string, fn: (trx: Transaction<OrderDB>, order: OrderRow) => Promise<void>) {
    await database.transaction(async (trx) => {
      const order = await orders.find(trx, id, { forUpdate: true });
      if (!order) throw notFound(id);
      await fn(trx, order);
    });
    const view = await orders.view(database.db, id);
    if (!view) throw notFound(id);
    return view;
  }

  async function openReturn(trx: Transaction<OrderDB>, orderId: string, returnId: string) {
    const row = await trx
      .selectFrom('order_returns')
      .selectAll()
      .where('order_id', '=', orderId)
      .where('id', '=', returnId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw OrderErrors.ORDER_RETURN_NOT_FOUND(`order ${orderId} has no return ${returnId}`);
    return row;
  }

  return {
    async request(orderId, input, actor) {
      // Read before the transaction: settings may be slow or down, and no lock waits on it.
      const { returnWindowDays } = await settings.get();
      return onLocked(orderId, async (trx, order) => {
        requireVisible(actor, order, orderId);
        if (order.status !== 'delivered' && order.status !== 'completed') {
          throw OrderErrors.ORDER_RETURN_NOT_ALLOWED(
            `order ${order.number} is ${order.status}, not delivered`,
          );
        }
        const deliveredAt = order.deliveredAt?.getTime() ?? ctx.now();
        if (ctx.now() > deliveredAt + returnWindowDays * DAY_MS) {
          throw OrderErrors.ORDER_RETURN_WINDOW_CLOSED(
            `returns close ${returnWindowDays} days after delivery (${new Date(deliveredAt).toISOString()})`,
          );
        }
        const lines = await orders.lines(trx, order.id);
        const seen = new Set<number>();
        const chosen = input.lines.map((want) => {
          const line = lines.find((l) => l.line_no === want.lineNo);
          if (!line)
            throw OrderErrors.ORDER_LINE_NOT_FOUND(`order ${order.number} has no line ${want.lineNo}`);
          if (seen.has(want.lineNo)) {
            throw CommonErrors.VALIDATION_FAILED(`line ${want.lineNo} is named twice`, {
              errors: [{ path: '/body/lines', message: 'names a line twice' }],
            });
          }
          seen.add(want.lineNo);
          const left = line.quantity - line.returned_quantity;
          if (want.quantity > left) {
            throw OrderErrors.ORDER_RETURN_NOT_ALLOWED(
              `line ${want.lineNo} has ${left} units left to return`,
            );
          }
          return { line, quantity: want.quantity };
        });
        for (const c of chosen) {
          await orders.updateLine(trx, order.id, c.line.line_no, {
            returnedQuantity: c.line.returned_quantity + c.quantity,
          });
        }
        const returnId = newId();
        const returned = chosen.map((c) => ({
          lineNo: c.line.line_no,
          sku: c.line.sku,
          quantity: c.quantity,
        }));
        await trx
          .insertInto('order_returns')
          .values({
            id: returnId,
            order_id: order.id,
            status: 'requested',
            lines: jsonb(returned),
            reason: input.reason,
            requested_by: actor.subject,
            created_at: new Date(ctx.now()),
          })
          .execute();
        const moved = await applyTransition(trx, outbox, order, 'return_requested', {
          actor: actor.subject,
          reason: input.reason,
        });
        await outbox.add(trx, {
          type: 'order.return_requested',
          subject: order.id,
          data: {
            orderId: order.id,
            orderNumber: moved.number,
            customerId: moved.customerId,
            returnId,
            lines: returned.map((r) => ({ sku: r.sku, quantity: r.quantity })),
            reason: input.reason,
          },
        });
      });
    },

    receive(orderId, returnId, actor) {
      if (!has(actor, 'orders:write')) throw notFound(orderId);
      return onLocked(orderId, async (trx, order) => {
        const ret = await openReturn(trx, orderId, returnId);
        if (ret.status === 'received') return;
        await trx
          .updateTable('order_returns')
          .set({ status: 'received', received_at: new Date(ctx.now()) })
          .where('id', '=', returnId)
          .execute();
        await applyTransition(trx, outbox, order, 'returned', {
          actor: actor.subject,
          reason: 'return received',
        });
      });
    },

    decline(orderId, returnId, reason, actor) {
      if (!has(actor, 'orders:write')) throw notFound(orderId);
      return onLocked(orderId, async (trx, order) => {
        const ret = await openReturn(trx, orderId, returnId);
        if (ret.status !== 'requested') {
          throw OrderErrors.ORDER_INVALID_TRANSITION(`return ${returnId} was already received`);
        }
        // The units may be asked back again; the request itself is gone.
        const lines = await orders.lines(trx, order.id);
        for (const r of ret.lines as Array<{ lineNo: number; quantity: number }>) {
          const line = lines.find((l) => l.line_no === r.lineNo);
          if (line)
            await orders.updateLine(trx, order.id, r.lineNo, {
              returnedQuantity: line.returned_quantity - r.quantity,
            });
        }
        await trx.deleteFrom('order_returns').where('id', '=', returnId).execute();
        await applyTransition(trx, outbox, order, 'delivered', {
          actor: actor.subject,
          reason: `return declined: ${reason}`,
        });
      });
    },
  };
}
