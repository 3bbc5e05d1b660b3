import { CommonErrors } from '@mercato/platform/errors';
import type { Principal } from '@mercato/platform/auth';
import { ANONYMOUS_ACTOR } from '@mercato/platform/auth';
import { OrderErrors } from '../errors.ts';
import type { Actor, OrderRow } from './order.ts';

/** The actor of a request: its verified principal, or anonymous. */
export function actorFrom(principal: Principal | undefined): Actor {
  if (!principal) return { subject: ANONYMOUS_ACTOR, kind: 'anonymous', permissions: [] };
  return { subject: principal.subject, kind: principal.kind, permissions: principal.permissions };
}

export const has = (actor: Actor, permission: string) => actor.permissions.includes(permission);

/** Staff who read any order: orders:read holders and services (the saga reads what it made). */
export const readsAny = (actor: Actor) => has(actor, 'orders:read') || actor.kind === 'service';

/** Staff who may cancel any order before shipment (support cancels with payments:refund). */
export const cancelsAny = (actor: Actor) =>
  actor.kind === 'service' || has(actor, 'orders:write') || has(actor, 'payments:refund');

/** Only a service (client credentials) creates, confirms and attaches payments: the checkout saga. */
export function requireService(actor: Actor): void {
  if (actor.kind !== 'service') {
    throw OrderErrors.ORDER_SERVICE_ONLY(
      'orders are created and confirmed by the checkout saga with service credentials',
    );
  }
}

export const notFound = (id: string) => OrderErrors.ORDER_NOT_FOUND(`no order ${id}`);

/**
 * Whether the actor may see this order; someone else's order is a 404 (not 403), so its
 * existence is not told to a stranger.
 */
export function requireVisible(actor: Actor, order: OrderRow | undefined, id: string): OrderRow {
  if (!order) throw notFound(id);
  if (readsAny(actor)) return order;
  if (actor.kind === 'anonymous') throw CommonErrors.UNAUTHORIZED('sign in to read your orders');
  if (order.customerId !== null && order.customerId === actor.subject) return order;
  throw notFound(id);
}
