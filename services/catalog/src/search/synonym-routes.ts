import { PageOf, PageQuery, problemResponses, type ServiceApp } from '@mercato/platform/http';
import { Type } from 'typebox';
import { IdParams, WRITE } from '../request-meta.ts';
import { SynonymBody, SynonymSchema } from './synonym.ts';
import type { SynonymService } from './synonym-service.ts';

const tags = ['search'];
const PATH = '/api/v1/search/synonyms';

/** The admin's synonym groups: every route needs catalog:write. */
export function registerSynonymRoutes(app: ServiceApp, synonyms: SynonymService): void {
  const admin = { config: { auth: WRITE } };
  app.get(
    PATH,
    {
      ...admin,
      schema: {
        tags,
        summary: 'List synonym groups',
        querystring: Type.Object(PageQuery),
        response: { 200: PageOf(SynonymSchema), ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => synonyms.list(request.query.page, request.query.pageSize),
  );
  app.get(
    `${PATH}/:id`,
    {
      ...admin,
      schema: {
        tags,
        summary: 'Get a synonym group',
        params: IdParams,
        response: { 200: SynonymSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => synonyms.get(request.params.id),
  );
  app.post(
    PATH,
    {
      ...admin,
      schema: {
        tags,
        summary: 'Add a synonym group: a search for any of its terms finds the others too',
        body: SynonymBody,
        response: { 201: SynonymSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const created = await synonyms.create(request.body);
      return reply.code(201).header('location', `${PATH}/${created.id}`).send(created);
    },
  );
  app.put(
    `${PATH}/:id`,
    {
      ...admin,
      schema: {
        tags,
        summary: "Replace a synonym group's terms",
        params: IdParams,
        body: SynonymBody,
        response: { 200: SynonymSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => synonyms.replace(request.params.id, request.body),
  );
  app.delete(
    `${PATH}/:id`,
    {
      ...admin,
      schema: {
        tags,
        summary: 'Delete a synonym group',
        params: IdParams,
        response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await synonyms.delete(request.params.id);
      return reply.code(204).send(null);
    },
  );
}
