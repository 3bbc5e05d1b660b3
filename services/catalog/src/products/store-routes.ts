import { MoneyAmount } from '@mercato/contracts';
import { CommonErrors } from '@mercato/platform/errors';
import {
  PageOf,
  PageQuery,
  sendCacheable,
  versionEtag,
  type ServiceApp,
  problemResponses,
  securityOf,
} from '@mercato/platform/http';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { WRITE } from '../request-meta.ts';
import type { ListingService } from './listing-service.ts';
import { ListingItemSchema, ProductDetailSchema } from './product-detail.ts';
import { ProductSchema } from './product.ts';
import type { StoreReadCache } from './store-read-cache.ts';

const tags = ['products'];
const Facet = Type.Object({
  id: Type.String(),
  handle: Type.String(),
  name: Type.String(),
  count: Type.Integer(),
});
const ListingSchema = Type.Object({
  ...PageOf(Type.Union([ListingItemSchema, ProductSchema])).properties,
  facets: Type.Union([
    Type.Object(
      {
        brands: Type.Array(Facet),
        categories: Type.Array(
          Type.Object({ ...Facet.properties, parentId: Type.Union([Type.String(), Type.Null()]) }),
          {
            description:
              'each category counts its whole subtree (as the category filter selects), in tree order',
          },
        ),
        attributes: Type.Array(
          Type.Object({ key: Type.String(), value: Type.String(), count: Type.Integer() }),
          {
            description: 'per attribute key, its 20 most frequent values',
          },
        ),
        prices: Type.Array(
          Type.Object({ minPrice: Type.Integer(), maxPrice: Type.Integer(), count: Type.Integer() }),
          {
            description:
              'non-empty buckets of a width that suits the result (1, 2, 2.5 or 5 × 10ⁿ, about 5 over its range; minor units, inclusive); filter with their minPrice/maxPrice',
          },
        ),
      },
      {
        description:
          'counts over the whole filtered result; each facet leaves its own filter out (values of one facet are alternatives), so a count is the totalCount of choosing that value instead; null with facets=false',
      },
    ),
    Type.Null(),
  ]),
  didYouMean: Type.Union([Type.String(), Type.Null()], {
    description: 'when a search finds nothing: the nearest dictionary words, a search that finds something',
  }),
});
const Status = Type.Union(
  [Type.Literal('active'), Type.Literal('draft'), Type.Literal('archived'), Type.Literal('any')],
  { description: 'active (default, public); the others need catalog:write and are never cached' },
);
const ListQuery = Type.Object({
  ...PageQuery,
  search: Type.Optional(
    Type.String({
      maxLength: 200,
      description:
        'full text, accents and case folded; words of 5+ letters forgive one typo, 9+ two; the last word matches as a prefix; synonyms apply',
    }),
  ),
  category: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 120 }), {
      maxItems: 20,
      description:
        'category id or handle, with its subtree; repeatable (alternatives); an unknown one is a 400',
    }),
  ),
  brand: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 120 }), {
      maxItems: 20,
      description: 'brand id or handle; repeatable (alternatives); an unknown one is a 400',
    }),
  ),
  minPrice: Type.Optional(
    MoneyAmount({ description: 'inclusive, minor units, on the lowest variant price' }),
  ),
  maxPrice: Type.Optional(MoneyAmount({ description: 'inclusive, minor units' })),
  attr: Type.Optional(
    Type.Array(Type.String({ pattern: '^[a-z][a-zA-Z0-9_]{0,63}:.{1,200}$' }), {
      maxItems: 20,
      description: 'attribute filter `key:value`, repeatable: values of one key OR, keys AND',
    }),
  ),
  inStock: Type.Optional(Type.Boolean({ description: 'only products inventory reports sellable (or not)' })),
  status: Type.Optional(Status),
  sortBy: Type.Union(
    [Type.Literal('relevance'), Type.Literal('price'), Type.Literal('newest'), Type.Literal('rating')],
    { default: 'relevance', description: 'relevance needs a search; without one it sorts by newest' },
  ),
  sortOrder: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
  facets: Type.Boolean({
    default: true,
    description: 'false leaves the facets out (null): a page of 20 compact items is then a few KB',
  }),
  view: Type.Union([Type.Literal('compact'), Type.Literal('full')], {
    default: 'compact',
    description:
      'compact: what a product card needs (a page of 20 is a few KB); full: whole products with variants',
  }),
});
const highlighted = Type.String({
  description: 'the name HTML-escaped, each matched word in <mark>…</mark>',
  examples: ['<mark>Farmhouse</mark> Reed Diffuser'],
});
const Suggestions = Type.Object({
  products: Type.Array(
    Type.Object({ id: Type.String(), handle: Type.String(), title: Type.String(), highlighted }),
  ),
  categories: Type.Array(
    Type.Object({ id: Type.String(), handle: Type.String(), name: Type.String(), highlighted }),
  ),
  brands: Type.Array(
    Type.Object({ id: Type.String(), handle: Type.String(), name: Type.String(), highlighted }),
  ),
});
const cached = { 200: Type.Any(), 304: Type.Null(), ...problemResponses(400, 404) };

/** Public, and a catalog editor's token also reads drafts and archived products (`status`). */
const EDITOR_OPTIONAL: Array<Record<string, string[]>> = [{}, ...securityOf(WRITE)];

/** Reads of drafts and archived products are for catalog editors only. */
function requireEditor(request: FastifyRequest): void {
  if (!request.principal) throw CommonErrors.UNAUTHORIZED('sign in to read products that are not active');
  if (!request.principal.permissions.includes('catalog:write'))
    throw CommonErrors.FORBIDDEN('reading products that are not active needs the permission catalog:write');
}

/**
 * The public store API: active products only, answered from the read cache with an ETag
 * (304 on If-None-Match). Editors may ask for other statuses, uncached.
 */
export function registerStoreRoutes(
  app: ServiceApp,
  reads: StoreReadCache,
  listing: ListingService,
  cacheControl: string,
): void {
  app.get(
    '/api/v1/products',
    {
      schema: {
        tags,
        summary: 'List and search products, with facets (active ones unless an editor asks)',
        security: EDITOR_OPTIONAL,
        querystring: ListQuery,
        response: { ...cached, 200: ListingSchema, ...problemResponses(401, 403) },
      },
    },
    async (request, reply) => {
      const q = { ...request.query, status: request.query.status ?? 'active' };
      if (q.status !== 'active') {
        requireEditor(request);
        return reply.header('cache-control', 'private, no-store').send(await listing.list(q));
      }
      return sendCacheable(request, reply, await reads.list(q), cacheControl);
    },
  );

  app.get(
    '/api/v1/search/autocomplete',
    {
      schema: {
        tags,
        summary: 'Suggest active products, categories and brands for a typed prefix',
        querystring: Type.Object({
          q: Type.String({ minLength: 1, maxLength: 100 }),
          limit: Type.Integer({ minimum: 1, maximum: 20, default: 8 }),
        }),
        response: { ...cached, 200: Suggestions },
      },
    },
    async (request, reply) =>
      sendCacheable(request, reply, await reads.suggest(request.query.q, request.query.limit), cacheControl),
  );

  app.get(
    '/api/v1/products/sku/:sku',
    {
      schema: {
        tags,
        summary: 'Get the active product that has a variant with this SKU',
        params: Type.Object({ sku: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { ...cached, 200: ProductDetailSchema },
      },
    },
    async (request, reply) =>
      sendCacheable(request, reply, await reads.bySku(request.params.sku), cacheControl),
  );

  app.get(
    // `:id`, like the admin routes on the same path (PATCH /products/:id): one path template,
    // whose GET also takes a handle.
    '/api/v1/products/:id',
    {
      schema: {
        tags,
        summary:
          'Get a product by id or handle, with what a shop page renders (active ones unless an editor asks); an old handle answers 301',
        security: EDITOR_OPTIONAL,
        params: Type.Object({
          id: Type.String({
            minLength: 1,
            maxLength: 120,
            description: "the product's id or its handle",
            examples: ['organic-cotton-tee'],
          }),
        }),
        querystring: Type.Object({
          status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('any')])),
        }),
        response: { ...cached, 200: ProductDetailSchema, 301: Type.Null(), ...problemResponses(401, 403) },
      },
    },
    async (request, reply) => {
      if (request.query.status === 'any') {
        requireEditor(request);
        const product = await listing.getAny(request.params.id);
        // An editor's read is the start of an edit: its ETag is the version If-Match wants.
        return reply
          .header('cache-control', 'private, no-store')
          .header('etag', versionEtag(product.version))
          .send(product);
      }
      const read = await reads.product(request.params.id);
      if ('movedTo' in read) {
        // An old handle: permanently at the current one (the canonical handle).
        return reply
          .code(301)
          .header('location', `/api/v1/products/${encodeURIComponent(read.movedTo)}`)
          .send(null);
      }
      return sendCacheable(request, reply, read.body, cacheControl);
    },
  );
}
