import {
  IfMatchHeaders,
  parseIfMatch,
  problemResponses,
  versionEtag,
  type ServiceApp,
} from '@mercato/platform/http';
import type { FastifyReply } from 'fastify';
import {
  AddLineBody,
  CartParams,
  CartSchema,
  CheckoutBody,
  CodeBody,
  CodeParams,
  CreateCartBody,
  LineParams,
  MergeBody,
  SetQuantityBody,
  UpdateCartBody,
  type CartView,
} from './cart.ts';
import type { CartService } from './cart-service.ts';

const tags = ['carts'];

function send(reply: FastifyReply, cart: CartView, status = 200) {
  return reply.code(status).header('etag', versionEtag(cart.version)).send(cart);
}

/**
 * /api/v1/carts: a guest reaches a cart by its id (no token); a signed-in customer has one
 * active cart (`/mine`) and reaches only their own; another's cart answers 404.
 */
export function registerCartRoutes(app: ServiceApp, carts: CartService): void {
  app.post(
    '/api/v1/carts',
    {
      config: { idempotency: 'optional' },
      schema: {
        tags,
        summary:
          'Without a token: a new guest cart (its id is the key to it). Signed in: your active cart, created when you have none (200 when it existed)',
        body: CreateCartBody,
        response: { 200: CartSchema, 201: CartSchema, ...problemResponses(400, 401) },
      },
    },
    async (request, reply) => {
      const { cart, created } = await carts.create(request, request.body ?? {});
      if (created) reply.header('location', `/api/v1/carts/${cart.id}`);
      return send(reply, cart, created ? 201 : 200);
    },
  );
  app.get(
    '/api/v1/carts/mine',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: "The signed-in customer's active cart, revalidated (ETag = version)",
        response: { 200: CartSchema, ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => send(reply, await carts.mine(request)),
  );
  app.post(
    '/api/v1/carts/mine/merge',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary:
          "On sign-in: the guest cart's lines join yours (quantities summed, capped at what is available) and the guest cart closes",
        body: MergeBody,
        response: { 200: CartSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => send(reply, await carts.merge(request, request.body.guestCartId)),
  );
  app.get(
    '/api/v1/carts/:id',
    {
      schema: {
        tags,
        summary:
          'A cart with each line checked against current prices and stock (priceChanged, unavailable, insufficientStock) and its totals (ETag = version)',
        params: CartParams,
        response: { 200: CartSchema, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => send(reply, await carts.get(request, request.params.id)),
  );
  app.patch(
    '/api/v1/carts/:id',
    {
      schema: {
        tags,
        summary: "Set the cart's country (the tax country); If-Match optional, 412 when stale",
        params: CartParams,
        headers: IfMatchHeaders,
        body: UpdateCartBody,
        response: { 200: CartSchema, ...problemResponses(400, 404, 409, 412) },
      },
    },
    async (request, reply) => {
      const expected = parseIfMatch(request.headers['if-match']);
      return send(reply, await carts.update(request, request.params.id, request.body, expected));
    },
  );
  app.post(
    '/api/v1/carts/:id/lines',
    {
      schema: {
        tags,
        summary:
          'Add units of a SKU (a SKU already in the cart adds up); 409 CART_INSUFFICIENT_STOCK says how many are available',
        params: CartParams,
        headers: IfMatchHeaders,
        body: AddLineBody,
        response: { 200: CartSchema, ...problemResponses(400, 404, 409, 412, 422, 503) },
      },
    },
    async (request, reply) => {
      const expected = parseIfMatch(request.headers['if-match']);
      return send(reply, await carts.addLine(request, request.params.id, request.body, expected));
    },
  );
  app.patch(
    '/api/v1/carts/:id/lines/:sku',
    {
      schema: {
        tags,
        summary: "Set a line's quantity (1–999); raising it beyond what is available answers 409",
        params: LineParams,
        headers: IfMatchHeaders,
        body: SetQuantityBody,
        response: { 200: CartSchema, ...problemResponses(400, 404, 409, 412, 503) },
      },
    },
    async (request, reply) => {
      const expected = parseIfMatch(request.headers['if-match']);
      const { id, sku } = request.params;
      return send(reply, await carts.setQuantity(request, id, sku, request.body.quantity, expected));
    },
  );
  app.delete(
    '/api/v1/carts/:id/lines/:sku',
    {
      schema: {
        tags,
        summary: 'Remove a line',
        params: LineParams,
        headers: IfMatchHeaders,
        response: { 200: CartSchema, ...problemResponses(400, 404, 409, 412) },
      },
    },
    async (request, reply) => {
      const expected = parseIfMatch(request.headers['if-match']);
      const { id, sku } = request.params;
      return send(reply, await carts.removeLine(request, id, sku, expected));
    },
  );
  app.post(
    '/api/v1/carts/:id/discount-codes',
    {
      schema: {
        tags,
        summary:
          'Enter a discount code: kept when the discount service accepts it for this cart, else 422 CART_DISCOUNT_CODE_REFUSED with its reason',
        params: CartParams,
        headers: IfMatchHeaders,
        body: CodeBody,
        response: { 200: CartSchema, ...problemResponses(400, 404, 409, 412, 422, 503) },
      },
    },
    async (request, reply) => {
      const expected = parseIfMatch(request.headers['if-match']);
      return send(reply, await carts.applyCode(request, request.params.id, request.body.code, expected));
    },
  );
  app.delete(
    '/api/v1/carts/:id/discount-codes/:code',
    {
      schema: {
        tags,
        summary: 'Remove a discount code',
        params: CodeParams,
        headers: IfMatchHeaders,
        response: { 200: CartSchema, ...problemResponses(400, 404, 409, 412) },
      },
    },
    async (request, reply) => {
      const expected = parseIfMatch(request.headers['if-match']);
      const { id, code } = request.params;
      return send(reply, await carts.removeCode(request, id, code, expected));
    },
  );
  app.post(
    '/api/v1/carts/:id/checkout',
    {
      schema: {
        tags,
        summary:
          'Close the cart for a checkout (cart.checked_out); a repeat with the same checkoutId answers the closed cart',
        params: CartParams,
        headers: IfMatchHeaders,
        body: CheckoutBody,
        response: { 200: CartSchema, ...problemResponses(400, 404, 409, 412, 422) },
      },
    },
    async (request, reply) => {
      const expected = parseIfMatch(request.headers['if-match']);
      const body = request.body ?? {};
      return send(reply, await carts.checkout(request, request.params.id, body.checkoutId, expected));
    },
  );
}
