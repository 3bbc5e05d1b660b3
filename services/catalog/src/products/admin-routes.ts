import {
  parseIfMatch,
  versionEtag,
  type ServiceApp,
  problemResponses,
  IfMatchHeaders,
} from '@mercato/platform/http';
import { IdParams, WRITE } from '../request-meta.ts';
import {
  CreateProductBody,
  CreateVariantBody,
  ProductSchema,
  UpdateProductBody,
  UpdateVariantBody,
  VariantSchema,
} from './product.ts';
import type { ProductService } from './product-service.ts';

const tags = ['products'];

/** Admin writes on products and variants (catalog:write). */
export function registerAdminRoutes(app: ServiceApp, products: ProductService): void {
  app.post(
    '/api/v1/products',
    {
      config: { idempotency: 'optional', auth: WRITE },
      schema: {
        tags,
        summary: 'Create a product (without variants: one default variant from price and defaultSku)',
        body: CreateProductBody,
        response: { 201: ProductSchema, ...problemResponses(400, 404, 409) },
      },
    },
    async (request, reply) => {
      const product = await products.create(request.body);
      return reply
        .code(201)
        .header('location', `/api/v1/products/${product.id}`)
        .header('etag', versionEtag(product.version))
        .send(product);
    },
  );

  app.patch(
    '/api/v1/products/:id',
    {
      config: { auth: WRITE },
      schema: {
        tags,
        summary: 'Change a product (partial; If-Match required)',
        params: IdParams,
        headers: IfMatchHeaders,
        body: UpdateProductBody,
        response: { 200: ProductSchema, ...problemResponses(400, 404, 409, 412, 428) },
      },
    },
    async (request, reply) => {
      const expected = parseIfMatch(request.headers['if-match']);
      const product = await products.update(request.params.id, request.body, expected);
      return reply.header('etag', versionEtag(product.version)).send(product);
    },
  );

  for (const action of ['archive', 'restore'] as const) {
    app.post(
      `/api/v1/products/:id/${action}`,
      {
        config: { auth: WRITE },
        schema: {
          tags,
          summary:
            action === 'archive'
              ? 'Archive a product: it leaves the store (If-Match optional)'
              : 'Restore an archived product as a draft (If-Match optional)',
          params: IdParams,
          headers: IfMatchHeaders,
          response: { 200: ProductSchema, ...problemResponses(400, 404, 412) },
        },
      },
      async (request, reply) => {
        const expected = parseIfMatch(request.headers['if-match']);
        const product = await products[action](request.params.id, expected);
        return reply.header('etag', versionEtag(product.version)).send(product);
      },
    );
  }

  app.post(
    '/api/v1/products/:id/variants',
    {
      config: { auth: WRITE },
      schema: {
        tags: ['variants'],
        summary: 'Add a variant to a product',
        params: IdParams,
        body: CreateVariantBody,
        response: { 201: VariantSchema, ...problemResponses(400, 404, 409) },
      },
    },
    async (request, reply) => {
      const variant = await products.addVariant(request.params.id, request.body);
      return reply.code(201).header('etag', versionEtag(variant.version)).send(variant);
    },
  );

  app.patch(
    '/api/v1/variants/:id',
    {
      config: { auth: WRITE },
      schema: {
        tags: ['variants'],
        summary: 'Change a variant (partial; If-Match required); a new price publishes price.changed',
        params: IdParams,
        headers: IfMatchHeaders,
        body: UpdateVariantBody,
        response: { 200: VariantSchema, ...problemResponses(400, 404, 409, 412, 428) },
      },
    },
    async (request, reply) => {
      const expected = parseIfMatch(request.headers['if-match']);
      const variant = await products.updateVariant(request.params.id, request.body, expected);
      return reply.header('etag', versionEtag(variant.version)).send(variant);
    },
  );
}
