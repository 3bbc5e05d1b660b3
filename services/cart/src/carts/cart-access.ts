import type { Principal } from '@mercato/platform/auth';
import { CartErrors } from '../errors.ts';
import type { CartRecord } from './cart.ts';

/** Who calls: a signed-in principal, or nobody (a guest holding a cart id). */
export interface Caller {
  principal?: Principal | undefined;
}

/** Services and admins (permission carts:write) reach every cart; the checkout saga is one. */
const PRIVILEGED = 'carts:write';

/** A signed-in person (not a service or an API key) has a customer cart of their own. */
export function customerOf(caller: Caller): string | undefined {
  return caller.principal?.kind === 'user' ? caller.principal.subject : undefined;
}

/** A guest cart is reached by its id; a customer's only by that customer (or a privileged caller). */
export function canReach(caller: Caller, cart: CartRecord): boolean {
  if (cart.customerId === null) return true;
  if (caller.principal?.permissions.includes(PRIVILEGED)) return true;
  return customerOf(caller) === cart.customerId;
}

/** The answer for a cart that does not exist, expired, or is someone else's: they look alike. */
export const notFound = (id: string) => CartErrors.CART_NOT_FOUND(`no cart ${id}`);

export const closed = (cart: CartRecord) =>
  CartErrors.CART_CLOSED(`cart ${cart.id} is ${cart.status.replace('_', ' ')}`);
