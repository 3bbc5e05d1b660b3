import { PageOf, pageResult, PageQuery, type ServiceApp } from '@mercato/platform/http';
import { Type } from 'typebox';
import { Problem } from '../request-meta.ts';
import { ProductSchema } from './product.ts';
import type { ListingService } from './listing-service.ts';
import type { ProductService } from './product-service.ts';

const tags = ['products'];
const Facet = Type.Object({
  id: Type.String(),
  handle: Type.String(),
  name: Type.String(),
  count: Type.Integer(),
});
const ListingSchema = Type.Object({
  ...PageOf(ProductSchema).properties,
  facets: Type.Object(
    { brands: Type.Array(Facet), categories: Type.Array(Facet) },
    { description: 'counts over the whole filtered result (categories: direct membership)' },
  ),
});
const ListQuery = Type.Object({
  ...PageQuery,
  search: Type.Optional(
    Type.String({ maxLength: 200, description: 'full text; the last word matches as a prefix' }),
  ),
  category: Type.Optional(
    Type.String({ maxLength: 120, description: 'category id or handle; includes its subtree' }),
  ),
  brand: Type.Optional(Type.String({ maxLength: 120, description: 'brand id or handle' })),
  minPrice: Type.Optional(
    Type.Integer({ minimum: 0, description: 'inclusive, minor units, on the lowest variant price' }),
  ),
  maxPrice: Type.Optional(Type.Integer({ minimum: 0, description: 'inclusive, minor units' })),
  sortBy: Type.Union([Type.Literal('relevance'), Type.Literal('price'), Type.Literal('newest')], {
    default: 'relevance',
    description: 'relevance needs a search; without one it sorts by newest',
  }),
  sortOrder: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
});

/** The public store API: active products only; drafts and archived products are 404. */
export function registerStoreRoutes(
  app: ServiceApp,
  products: ProductService,
  listing: ListingService,
): void {
  app.get(
    '/api/v1/products',
    {
      schema: {
        tags,
        summary: 'List and search active products, with facets',
        querystring: ListQuery,
        response: { 200: ListingSchema, 400: Problem },
      },
    },
    async (request) => {
      const { page, pageSize } = request.query;
      const result = await listing.list(request.query);
      return { ...pageResult(result.items, page, pageSize, result.totalCount), facets: result.facets };
    },
  );

  app.get(
    '/api/v1/products/sku/:sku',
    {
      schema: {
        tags,
        summary: 'Get the active product that has a variant with this SKU',
        params: Type.Object({ sku: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: ProductSchema, 400: Problem, 404: Problem },
      },
    },
    async (request) => products.getActiveBySku(request.params.sku),
  );

  app.get(
    '/api/v1/products/:idOrHandle',
    {
      schema: {
        tags,
        summary: 'Get an active product by id or handle',
        params: Type.Object({ idOrHandle: Type.String({ minLength: 1, maxLength: 120 }) }),
        response: { 200: ProductSchema, 400: Problem, 404: Problem },
      },
    },
    async (request) => products.getActive(request.params.idOrHandle),
  );
}
