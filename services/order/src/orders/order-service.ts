import type { CreateOrderInput, Order } from '@mercato/contracts';
import { isUniqueViolation } from '@mercato/platform/db';
import { CommonErrors } from '@mercato/platform/errors';
import { pageResult, type Page } from '@mercato/platform/http';
import { newId } from '@mercato/platform/ids';
import type { ServiceContext } from '@mercato/platform/service';
import { createHash } from 'node:crypto';
import type { OrderConfig } from '../config.ts';
import type { OrderDB } from '../db.ts';
import { OrderErrors } from '../errors.ts';
import type { Actor, OrderListInput, OrderRow } from './order.ts';
import { notFound, readsAny, requireService, requireVisible } from './order-access.ts';
import { priceOrder } from './order-pricing.ts';
import { orderRepository as repo } from './order-repository.ts';
import type { Static } from 'typebox';
import type { OrderSummarySchema, StatusChangeSchema } from './order.ts';

export type OrderSummary = Static<typeof OrderSummarySchema>;
export type StatusChange = Static<typeof StatusChangeSchema>;

/** Creating and reading orders. */
export interface OrderService {
  /** The saga's step 4: a pending order per checkout (a repeat answers the first, created false). */
  create(input: CreateOrderInput, actor: Actor): Promise<{ order: Order; created: boolean }>;
  get(id: string, actor: Actor): Promise<Order>;
  /** A customer's own orders, or (orders:read) a search over all. */
  list(q: OrderListInput, actor: Actor): Promise<Page<OrderSummary>>;
  /** A guest's order by its number and email (404 when either is wrong). */
  lookup(number: string, email: string): Promise<Order>;
  history(id: string, actor: Actor): Promise<StatusChange[]>;
}

/** A stable text of a JSON value (keys sorted), so a repeat's fingerprint ignores key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function createOrderService(ctx: ServiceContext<OrderDB, OrderConfig>): OrderService {
  const { database, outbox } = ctx;
  const db = database.db;

  async function view(id: string): Promise<Order> {
    const order = await repo.view(db, id);
    if (!order) throw notFound(id);
    return order;
  }

  /** The order a checkout already has, if its content matches (409 when it does not). */
  async function existing(checkoutId: string, fingerprint: string): Promise<OrderRow | undefined> {
    const found = await repo.findByCheckout(db, checkoutId);
    if (found && found.fingerprint !== fingerprint) {
      throw OrderErrors.ORDER_CHECKOUT_CONFLICT(
        `checkout ${checkoutId} already has order ${found.number}, made from other content`,
      );
    }
    return found;
  }

  return {
    async create(input, actor) {
      requireService(actor);
      const priced = priceOrder(input);
      const fingerprint = createHash('sha256').update(canonical(input)).digest('base64url');
      // No look-up first: a repeat for the checkout fails the insert on its unique checkout id
      // and is answered below (one statement less for every new order, the saga's usual case).
      const id = newId();
      try {
        await database.transaction(async (trx) => {
          const number = await repo.nextNumber(trx, database.schema, ctx.config.ORDER_NUMBER_PREFIX);
          await repo.insert(
            trx,
            {
              id,
              number,
              checkoutId: input.checkoutId,
              fingerprint,
              customerId: input.customerId ?? null,
              email: input.email,
              currency: input.currency,
              shippingAddress: input.shippingAddress,
              billingAddress: input.billingAddress ?? null,
              shippingMethod: { code: input.shippingMethod.code, name: input.shippingMethod.name },
              ...priced.totals,
              paymentId: input.paymentId ?? null,
            },
            priced.lines,
          );
          await repo.addHistory(trx, {
            id: newId(),
            orderId: id,
            from: null,
            to: 'pending',
            actor: actor.subject,
            reason: `created for checkout ${input.checkoutId}`,
          });
          await outbox.add(trx, {
            type: 'order.created',
            subject: id,
            data: {
              orderId: id,
              orderNumber: number,
              customerId: input.customerId ?? null,
              checkoutId: input.checkoutId,
              total: { amount: priced.totals.total, currency: input.currency },
              lines: priced.lines.map((l) => ({
                sku: l.sku,
                quantity: l.quantity,
                unitPrice: { amount: l.unitPrice, currency: input.currency },
              })),
            },
          });
        });
      } catch (err) {
        // A repeat, or the same checkout racing itself: the first one's order is the answer.
        if (!isUniqueViolation(err)) throw err;
        const raced = await existing(input.checkoutId, fingerprint);
        if (!raced) throw err;
        return { order: await view(raced.id), created: false };
      }
      // Just created: no refunds or returns to read.
      const order = await repo.view(db, id, { fresh: true });
      if (!order) throw notFound(id);
      return { order, created: true };
    },

    async get(id, actor) {
      requireVisible(actor, await repo.find(db, id), id);
      return view(id);
    },

    async list(q, actor) {
      if (actor.kind === 'anonymous') throw CommonErrors.UNAUTHORIZED('sign in to list your orders');
      // A customer sees their own orders, whatever else the query says; staff search everything.
      const filter = readsAny(actor)
        ? q
        : { page: q.page, pageSize: q.pageSize, status: q.status, customerId: actor.subject };
      const { items, totalCount } = await repo.search(db, filter);
      return pageResult(items, q.page, q.pageSize, totalCount);
    },

    async lookup(number, email) {
      const id = await repo.findByNumberAndEmail(db, number.trim(), email.trim());
      if (!id) throw OrderErrors.ORDER_NOT_FOUND('no order has this number and email');
      return view(id);
    },

    async history(id, actor) {
      requireVisible(actor, await repo.find(db, id), id);
      return (await repo.history(db, id)) as StatusChange[];
    },
  };
}
