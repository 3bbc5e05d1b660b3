import { actorOf } from '@mercato/platform/auth';
import {
  IfMatchHeaders,
  PageOf,
  parseIfMatch,
  problemResponses,
  versionEtag,
  type ServiceApp,
} from '@mercato/platform/http';
import { Type } from 'typebox';
import { WRITE } from '../request-meta.ts';
import {
  CreatePromotionBody,
  PromotionQuery,
  PromotionSchema,
  UpdatePromotionBody,
  UsageReportSchema,
} from './promotion.ts';
import type { PromotionService } from './promotion-service.ts';

const tags = ['promotions'];
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** /api/v1/discounts/promotions: the admin's promotions (discounts:write), and their usage. */
export function registerPromotionRoutes(app: ServiceApp, promotions: PromotionService): void {
  app.post(
    '/api/v1/discounts/promotions',
    {
      config: { auth: WRITE, idempotency: 'optional' },
      schema: {
        tags,
        summary: 'Create a promotion (automatic, or unlocked by its codes)',
        body: CreatePromotionBody,
        response: { 201: PromotionSchema, ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const p = await promotions.create(request.body, actorOf(request));
      return reply
        .code(201)
        .header('location', `/api/v1/discounts/promotions/${p.id}`)
        .header('etag', versionEtag(p.version))
        .send(p);
    },
  );
  app.get(
    '/api/v1/discounts/promotions',
    {
      config: { auth: WRITE },
      schema: {
        tags,
        summary: 'Promotions, newest first: search by name, filter by status, kind, trigger, campaign',
        querystring: PromotionQuery,
        response: { 200: PageOf(PromotionSchema), ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => promotions.list(request.query),
  );
  app.get(
    '/api/v1/discounts/promotions/:id',
    {
      config: { auth: WRITE },
      schema: {
        tags,
        summary: 'A promotion (ETag = version)',
        params: IdParams,
        response: { 200: PromotionSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const p = await promotions.get(request.params.id);
      return reply.header('etag', versionEtag(p.version)).send(p);
    },
  );
  app.patch(
    '/api/v1/discounts/promotions/:id',
    {
      config: { auth: WRITE },
      schema: {
        tags,
        summary: 'Change a promotion, e.g. pause or archive it (partial; If-Match required)',
        params: IdParams,
        headers: IfMatchHeaders,
        body: UpdatePromotionBody,
        response: { 200: PromotionSchema, ...problemResponses(400, 401, 403, 404, 412, 422, 428) },
      },
    },
    async (request, reply) => {
      const p = await promotions.update(
        request.params.id,
        request.body,
        parseIfMatch(request.headers['if-match']),
      );
      return reply.header('etag', versionEtag(p.version)).send(p);
    },
  );
  app.get(
    '/api/v1/discounts/promotions/:id/usage',
    {
      config: { auth: WRITE },
      schema: {
        tags,
        summary: "A promotion's usage: holds, redemptions, releases, customers, amounts given per currency",
        params: IdParams,
        response: { 200: UsageReportSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => promotions.usage(request.params.id),
  );
}
