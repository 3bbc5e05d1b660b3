import { problemResponses } from '@mercato/platform/http';
import type { ServiceApp } from '@mercato/platform/http';
import { Type } from 'typebox';
import { IdParams, WRITE } from '../request-meta.ts';
import {
  BrandSchema,
  CategorySchema,
  CreateBrandBody,
  CreateCategoryBody,
  UpdateBrandBody,
  UpdateCategoryBody,
} from './taxonomy.ts';
import type { TaxonomyService } from './taxonomy-service.ts';

const Items = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Object({ items: Type.Array(item) });

/** /api/v1/brands and /api/v1/categories: reads public, writes need catalog:write. */
export function registerTaxonomyRoutes(app: ServiceApp, taxonomy: TaxonomyService): void {
  const brands = { tags: ['brands'] };
  app.get(
    '/api/v1/brands',
    { schema: { ...brands, summary: 'List brands by name', response: { 200: Items(BrandSchema) } } },
    async () => ({ items: await taxonomy.listBrands() }),
  );
  app.get(
    '/api/v1/brands/:id',
    {
      schema: {
        ...brands,
        summary: 'Get a brand',
        params: IdParams,
        response: { 200: BrandSchema, ...problemResponses(400, 404) },
      },
    },
    async (request) => taxonomy.getBrand(request.params.id),
  );
  app.post(
    '/api/v1/brands',
    {
      config: { auth: WRITE },
      schema: {
        ...brands,
        summary: 'Create a brand',
        body: CreateBrandBody,
        response: { 201: BrandSchema, ...problemResponses(400, 409) },
      },
    },
    async (request, reply) => {
      const brand = await taxonomy.createBrand(request.body);
      return reply.code(201).header('location', `/api/v1/brands/${brand.id}`).send(brand);
    },
  );
  app.patch(
    '/api/v1/brands/:id',
    {
      config: { auth: WRITE },
      schema: {
        ...brands,
        summary: 'Rename a brand or change its handle',
        params: IdParams,
        body: UpdateBrandBody,
        response: { 200: BrandSchema, ...problemResponses(400, 404, 409) },
      },
    },
    async (request) => taxonomy.updateBrand(request.params.id, request.body),
  );
  app.delete(
    '/api/v1/brands/:id',
    {
      config: { auth: WRITE },
      schema: {
        ...brands,
        summary: 'Delete a brand (its products keep existing, without a brand)',
        params: IdParams,
        response: { 204: Type.Null(), ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      await taxonomy.deleteBrand(request.params.id);
      return reply.code(204).send(null);
    },
  );

  const categories = { tags: ['categories'] };
  app.get(
    '/api/v1/categories',
    {
      schema: {
        ...categories,
        summary: 'List categories (tree order)',
        response: { 200: Items(CategorySchema) },
      },
    },
    async () => ({ items: await taxonomy.listCategories() }),
  );
  app.get(
    '/api/v1/categories/:id',
    {
      schema: {
        ...categories,
        summary: 'Get a category',
        params: IdParams,
        response: { 200: CategorySchema, ...problemResponses(400, 404) },
      },
    },
    async (request) => taxonomy.getCategory(request.params.id),
  );
  app.post(
    '/api/v1/categories',
    {
      config: { auth: WRITE },
      schema: {
        ...categories,
        summary: 'Create a category (under parentId, or a root)',
        body: CreateCategoryBody,
        response: { 201: CategorySchema, ...problemResponses(400, 404, 409) },
      },
    },
    async (request, reply) => {
      const category = await taxonomy.createCategory(request.body);
      return reply.code(201).header('location', `/api/v1/categories/${category.id}`).send(category);
    },
  );
  app.patch(
    '/api/v1/categories/:id',
    {
      config: { auth: WRITE },
      schema: {
        ...categories,
        summary: 'Change a category; a new parentId moves its whole subtree',
        params: IdParams,
        body: UpdateCategoryBody,
        response: { 200: CategorySchema, ...problemResponses(400, 404, 409) },
      },
    },
    async (request) => taxonomy.updateCategory(request.params.id, request.body),
  );
  app.delete(
    '/api/v1/categories/:id',
    {
      config: { auth: WRITE },
      schema: {
        ...categories,
        summary: 'Delete a category without subcategories (its products leave it)',
        params: IdParams,
        response: { 204: Type.Null(), ...problemResponses(400, 404, 409) },
      },
    },
    async (request, reply) => {
      await taxonomy.deleteCategory(request.params.id);
      return reply.code(204).send(null);
    },
  );
}
