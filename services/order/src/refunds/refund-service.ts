import type { Order, paymentApi } from '@mercato/contracts';
import { CommonErrors } from '@mercato/platform/errors';
import { afterCommit, type Transaction } from '@mercato/platform/db';
import { newId } from '@mercato/platform/ids';
import type { TypedClient } from '@mercato/platform/client';
import type { ServiceContext } from '@mercato/platform/service';
import type { OrderDB } from '../db.ts';
import { OrderErrors } from '../errors.ts';
import type { Actor, OrderRow } from '../orders/order.ts';
import { notFound } from '../orders/order-access.ts';
import { orderRepository as orders } from '../orders/order-repository.ts';
import { canTransition } from '../orders/order-status.ts';
import { applyTransition, recordInHistory } from '../orders/order-transitions.ts';
import { refundRepository as repo, type RefundRow } from './refund-repository.ts';

/**
 * How a refund reaches payment: its refund route (paymentApi.refund) through the kit's typed
 * client. Answers payment's refund id, a refusal (4xx: the refund fails, its amount is given
 * back), or 'retry' (still in flight there); rejects when payment is unreachable (the refund
 * stays requested and the resender asks again).
 */
export type PaymentRefunds = (
  paymentId: string,
  refund: { key: string; amount: { amount: number; currency: string }; reason: string },
) => Promise<{ refundId: string } | { refused: string } | 'retry'>;

export type RefundContext = Pick<ServiceContext<OrderDB>, 'database' | 'outbox' | 'logger'>;

/** PaymentRefunds over payment's typed client. */
export function paymentRefundsVia(
  client: (input: {
    params: { id: string };
    body: { amount: { amount: number; currency: string }; reason: string };
    idempotencyKey: string;
  }) => ReturnType<TypedClient<typeof paymentApi>['refund']>,
): PaymentRefunds {
  return async (paymentId, refund) => {
    const res = await client({
      params: { id: paymentId },
      body: { amount: refund.amount, reason: refund.reason },
      idempotencyKey: refund.key,
    });
    if (res.ok) return { refundId: res.body.refund.id };
    // 409: the same key is still in flight at payment; the next round asks again.
    if (res.status === 409 && res.body.code === 'IDEMPOTENCY_REQUEST_IN_FLIGHT') return 'retry';
    return { refused: res.body.detail ?? res.body.title };
  };
}

/** What to refund: the whole rest (neither given), chosen lines, or an amount. */
export interface RefundRequest {
  amount?: { amount: number; currency: string };
  lines?: Array<{ lineNo: number; quantity: number }>;
  reason?: string;
}

/** Refunds: asked for by staff (or by a paid order's cancellation), carried out by payment. */
export interface RefundService {
  /** Records a refund on a locked, paid order (refundable amount reserved at once); sent after commit. */
  request(trx: Transaction<OrderDB>, order: OrderRow, input: RefundRequest, actor: Actor): Promise<string>;
  /** Staff's refund route: locks the order, records the refund, sends it, answers the order. */
  refund(orderId: string, input: RefundRequest, actor: Actor): Promise<Order>;
  /** Asks payment to carry out a requested refund (idempotent: the refund id is the key). */
  send(refundId: string): Promise<void>;
  /** Sends the refunds left requested (payment was down): the retry worker's round. */
  resend(before: Date, limit: number): Promise<number>;
}

const money = (o: OrderRow, amount: number) => ({ amount, currency: o.currency });

export function createRefundService(ctx: RefundContext, payment: PaymentRefunds | undefined): RefundService {
  const { database, outbox, logger } = ctx;

  async function amountOf(trx: Transaction<OrderDB>, order: OrderRow, input: RefundRequest) {
    const remaining = order.total - order.refundedTotal;
    const lineRefunds: Array<{ lineNo: number; quantity: number; amount: number; refunded: number }> = [];
    let amount: number;
    if (input.lines && input.amount) {
      throw CommonErrors.VALIDATION_FAILED('a refund names lines or an amount, not both', {
        errors: [{ path: '/body', message: 'must have either amount or lines' }],
      });
    }
    if (input.lines) {
      const lines = await orders.lines(trx, order.id);
      amount = 0;
      for (const want of input.lines) {
        const line = lines.find((l) => l.line_no === want.lineNo);
        if (!line) throw OrderErrors.ORDER_LINE_NOT_FOUND(`order ${order.number} has no line ${want.lineNo}`);
        if (want.quantity > line.quantity) {
          throw OrderErrors.ORDER_REFUND_EXCEEDS_PAID(`line ${want.lineNo} has ${line.quantity} units`);
        }
        // The units' share of what the line cost (after its discounts, with its tax).
        const lineTotal = Number(line.total);
        const part = Math.round((lineTotal * want.quantity) / line.quantity);
        const refunded = Number(line.refunded) + part;
        if (refunded > lineTotal) {
          throw OrderErrors.ORDER_REFUND_EXCEEDS_PAID(
            `line ${want.lineNo} has ${lineTotal - Number(line.refunded)} ${order.currency} left to refund`,
          );
        }
        lineRefunds.push({ ...want, amount: part, refunded });
        amount += part;
      }
    } else if (input.amount) {
      if (input.amount.currency !== order.currency) {
        throw OrderErrors.ORDER_CURRENCY_MISMATCH(
          `the order is in ${order.currency}, not ${input.amount.currency}`,
        );
      }
      amount = input.amount.amount;
    } else {
      amount = remaining;
    }
    if (amount <= 0 || amount > remaining) {
      throw OrderErrors.ORDER_REFUND_EXCEEDS_PAID(
        `${amount} ${order.currency} asked, ${remaining} ${order.currency} left to refund`,
      );
    }
    return { amount, lineRefunds };
  }

  /** Records a refund on a locked, paid order (its amount reserved at once); sending is the caller's. */
  async function record(trx: Transaction<OrderDB>, order: OrderRow, input: RefundRequest, actor: Actor) {
    if (order.paidAt === null) {
      throw OrderErrors.ORDER_NOT_PAID(`order ${order.number} is ${order.status} and was never paid`);
    }
    const { amount, lineRefunds } = await amountOf(trx, order, input);
    const id = newId();
    // The amount is reserved now (refunded_total), so concurrent refunds never add up past the total.
    await orders.update(trx, order.id, { refundedTotal: order.refundedTotal + amount });
    for (const l of lineRefunds) await orders.updateLine(trx, order.id, l.lineNo, { refunded: l.refunded });
    const reason = input.reason ?? (order.status === 'cancelled' ? 'order cancelled' : 'refund');
    await repo.insert(trx, {
      id,
      orderId: order.id,
      amount,
      lines: lineRefunds.map((l) => ({ lineNo: l.lineNo, quantity: l.quantity })),
      reason,
      requestedBy: actor.subject,
    });
    await recordInHistory(trx, order, {
      actor: actor.subject,
      reason: `refund of ${amount} ${order.currency} requested: ${reason}`,
    });
    return id;
  }

  const service: RefundService = {
    async request(trx, order, input, actor) {
      const id = await record(trx, order, input, actor);
      afterCommit(trx, () => {
        service.send(id).catch((err: unknown) => logger.warn({ err, refundId: id }, 'refund not sent yet'));
      });
      return id;
    },

    async refund(orderId, input, actor) {
      let refundId = '';
      await database.transaction(async (trx) => {
        const order = await orders.find(trx, orderId, { forUpdate: true });
        if (!order) throw notFound(orderId);
        // Sent below, once: not also after commit as request() does (the two calls raced at
        // payment, the second answered 409 in flight, and the route could answer the refund
        // as still requested although payment carried it out).
        refundId = await record(trx, order, input, actor);
      });
      await service
        .send(refundId)
        .catch((err: unknown) => logger.warn({ err, refundId }, 'refund not sent yet'));
      const view = await orders.view(database.db, orderId);
      if (!view) throw notFound(orderId);
      return view;
    },

    async send(refundId) {
      const refund = await repo.find(database.db, refundId);
      if (!refund || refund.status !== 'requested') return;
      const order = await orders.find(database.db, refund.orderId);
      if (!order?.paymentId) {
        logger.warn({ refundId, orderId: refund.orderId }, 'refund waits: the order has no payment id');
        return;
      }
      if (!payment) {
        logger.warn({ refundId }, 'refund recorded; no payment service is configured to carry it out');
        return;
      }
      const res = await payment(order.paymentId, {
        key: `order-refund:${refund.id}`,
        amount: money(order, refund.amount),
        reason: refund.reason.slice(0, 200),
      });
      if (res === 'retry') return;
      if ('refundId' in res) await settle(refund, 'succeeded', res.refundId, null);
      else await settle(refund, 'failed', null, res.refused);
    },

    async resend(before, limit) {
      const ids = await repo.pending(database.db, before, limit);
      for (const id of ids) {
        await service
          .send(id)
          .catch((err: unknown) => logger.warn({ err, refundId: id }, 'refund not sent yet'));
      }
      return ids.length;
    },
  };

  /** Payment's answer: a success counts toward the order's refunded state, a refusal gives the amount back. */
  async function settle(
    refund: RefundRow,
    status: 'succeeded' | 'failed',
    paymentRefundId: string | null,
    why: string | null,
  ): Promise<void> {
    await database.transaction(async (trx) => {
      const order = await orders.find(trx, refund.orderId, { forUpdate: true });
      const current = await repo.find(trx, refund.id, { forUpdate: true });
      if (!order || current?.status !== 'requested') return;
      await repo.settle(trx, refund.id, status, paymentRefundId);
      if (status === 'failed') {
        await orders.update(trx, order.id, { refundedTotal: order.refundedTotal - refund.amount });
        const lines = await orders.lines(trx, order.id);
        for (const l of refund.lines) {
          const line = lines.find((x) => x.line_no === l.lineNo);
          const part = line ? Math.round((Number(line.total) * l.quantity) / line.quantity) : 0;
          if (line)
            await orders.updateLine(trx, order.id, l.lineNo, { refunded: Number(line.refunded) - part });
        }
        await recordInHistory(trx, order, {
          actor: 'payment',
          reason: `refund of ${refund.amount} failed: ${why}`,
        });
        return;
      }
      const succeeded = await repo.succeededTotal(trx, order.id);
      const full = succeeded >= order.total;
      const change = { actor: 'payment', reason: `refunded ${refund.amount} ${order.currency}` };
      if (full && canTransition(order.status, 'refunded'))
        await applyTransition(trx, outbox, order, 'refunded', change);
      else await recordInHistory(trx, order, change);
      await outbox.add(trx, {
        type: 'order.refunded',
        subject: order.id,
        data: {
          orderId: order.id,
          orderNumber: order.number,
          customerId: order.customerId,
          refundId: refund.id,
          amount: money(order, refund.amount),
          refundedTotal: money(order, succeeded),
          full,
          lines: await refundedLines(trx, order.id, refund.lines),
          reason: refund.reason,
        },
      });
    });
  }

  async function refundedLines(trx: Transaction<OrderDB>, orderId: string, lines: RefundRow['lines']) {
    if (lines.length === 0) return [];
    const all = await orders.lines(trx, orderId);
    return lines.map((l) => ({
      sku: all.find((x) => x.line_no === l.lineNo)?.sku ?? '',
      quantity: l.quantity,
    }));
  }

  return service;
}
