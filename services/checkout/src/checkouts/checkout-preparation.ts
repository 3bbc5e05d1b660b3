import type { Cart, OrderAddress } from '@mercato/contracts';
import { CommonErrors } from '@mercato/platform/errors';
import { CheckoutErrors } from '../errors.ts';
import { UpstreamProblem, type CheckoutClients } from '../upstream/calls.ts';
import type { CheckoutInput, StartCheckoutInput } from './checkout.ts';

/** Who asks for a checkout. */
export interface Buyer {
  /** The signed-in customer, or null for a guest. */
  customerId: string | null;
  email: string | undefined;
  ip: string | null;
  correlationId: string;
}

/** An upstream that answered something unexpected: the caller may retry (503). */
function unavailable(err: UpstreamProblem): never {
  throw CommonErrors.DEPENDENCY_UNAVAILABLE(err.message);
}

async function loadCart(clients: CheckoutClients, cartId: string, buyer: Buyer): Promise<Cart> {
  const res = await clients.cart.get({ params: { id: cartId } });
  if (!res.ok) {
    if (res.status === 404) throw CheckoutErrors.CHECKOUT_CART_NOT_FOUND(`no cart ${cartId}`);
    unavailable(new UpstreamProblem('cart', res));
  }
  const cart = res.body;
  // Someone else's cart looks like no cart at all (as cart answers it).
  if (cart.customerId !== null && cart.customerId !== buyer.customerId)
    throw CheckoutErrors.CHECKOUT_CART_NOT_FOUND(`no cart ${cartId}`);
  if (cart.status !== 'active') throw CheckoutErrors.CHECKOUT_CART_CLOSED(`cart ${cartId} is ${cart.status}`);
  if (cart.lines.length === 0) throw CheckoutErrors.CHECKOUT_CART_EMPTY('the cart has no lines');
  return cart;
}

async function savedAddress(
  clients: CheckoutClients,
  buyer: Buyer,
  addressId: string,
  field: string,
): Promise<OrderAddress> {
  if (buyer.customerId === null)
    throw CheckoutErrors.CHECKOUT_SIGN_IN_REQUIRED(`${field} needs a signed-in customer`);
  const res = await clients.customer.getAddress({ params: { customerId: buyer.customerId, addressId } });
  if (!res.ok) {
    if (res.status === 404 || res.status === 400)
      throw CheckoutErrors.CHECKOUT_ADDRESS_NOT_FOUND(`no saved address ${addressId}`, {
        errors: [{ path: `/body/${field}`, message: 'is not one of your addresses' }],
      });
    unavailable(new UpstreamProblem('customer', res));
  }
  const a = res.body;
  return {
    name: a.name,
    ...(a.company && { company: a.company }),
    line1: a.line1,
    ...(a.line2 && { line2: a.line2 }),
    city: a.city,
    ...(a.postalCode && { postalCode: a.postalCode }),
    ...(a.region && { region: a.region }),
    country: a.country,
    ...(a.phone && { phone: a.phone }),
  };
}

async function shippingMethod(
  clients: CheckoutClients,
  cart: Cart,
  address: OrderAddress,
  code: string,
): Promise<CheckoutInput['shippingMethod']> {
  const res = await clients.shipping.quote({
    body: {
      destination: {
        country: address.country,
        ...(address.postalCode && { postalCode: address.postalCode.slice(0, 16) }),
      },
      currency: cart.currency,
      subtotal: cart.totals.subtotal,
      lines: cart.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, weightGrams: l.weightGrams })),
    },
  });
  if (!res.ok) unavailable(new UpstreamProblem('shipping quote', res));
  const option = res.body.options.find((o) => o.methodCode === code);
  if (!option) {
    const offered = res.body.options.map((o) => o.methodCode);
    throw CheckoutErrors.CHECKOUT_SHIPPING_METHOD_UNAVAILABLE(
      offered.length > 0
        ? `${code} does not serve ${address.country} for this basket; offered: ${offered.join(', ')}`
        : `no shipping method serves ${address.country}`,
      { errors: [{ path: '/body/shippingMethod', message: `is not offered for this address` }] },
    );
  }
  return { code: option.methodCode, name: option.name, price: option.price };
}

/**
 * Checks what can be checked before anything is held — the cart (the buyer's, open, not
 * empty), the email, the addresses, the shipping method for this address and basket, saved
 * details only when signed in — and answers the saga's input. A refusal is a 4xx problem
 * and nothing was held.
 */
export async function prepareCheckout(
  clients: CheckoutClients,
  checkoutId: string,
  buyer: Buyer,
  body: StartCheckoutInput,
): Promise<CheckoutInput> {
  const email = body.email ?? buyer.email;
  if (!email)
    throw CheckoutErrors.CHECKOUT_EMAIL_REQUIRED('a guest checkout needs an email address', {
      errors: [{ path: '/body/email', message: 'is required for a guest' }],
    });
  if ('savedMethodId' in body.payment && buyer.customerId === null)
    throw CheckoutErrors.CHECKOUT_SIGN_IN_REQUIRED('a saved card needs a signed-in customer');
  const cart = await loadCart(clients, body.cartId, buyer);
  const shippingAddress =
    body.shippingAddress ??
    (body.shippingAddressId !== undefined
      ? await savedAddress(clients, buyer, body.shippingAddressId, 'shippingAddressId')
      : undefined);
  if (!shippingAddress)
    throw CheckoutErrors.CHECKOUT_ADDRESS_REQUIRED('where should it go?', {
      errors: [
        { path: '/body/shippingAddress', message: 'shippingAddress or shippingAddressId is required' },
      ],
    });
  const billingAddress =
    body.billingAddress ??
    (body.billingAddressId !== undefined
      ? await savedAddress(clients, buyer, body.billingAddressId, 'billingAddressId')
      : null);
  return {
    checkoutId,
    cartId: cart.id,
    customerId: buyer.customerId,
    email,
    currency: cart.currency,
    shippingAddress,
    billingAddress,
    shippingMethod: await shippingMethod(clients, cart, shippingAddress, body.shippingMethod),
    payment: body.payment,
    codes: body.discountCodes ?? [],
    returnUrl: body.returnUrl ?? null,
    ipAddress: buyer.ip,
    correlationId: buyer.correlationId,
  };
}
