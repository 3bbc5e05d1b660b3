import { actorOf } from '@mercato/platform/auth';
import { PageOf, problemResponses, type ServiceApp } from '@mercato/platform/http';
import { Type } from 'typebox';
import { WRITE } from '../request-meta.ts';
import { BatchSchema, CodeQuery, CodeSchema, CreateBatchBody, CreateCodeBody } from './code.ts';
import type { CodeService } from './code-service.ts';

const tags = ['codes'];
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** Codes of a promotion (discounts:write): single codes, bulk batches, listing, CSV export. */
export function registerCodeRoutes(app: ServiceApp, codes: CodeService): void {
  app.post(
    '/api/v1/discounts/promotions/:id/codes',
    {
      config: { auth: WRITE, idempotency: 'optional' },
      schema: {
        tags,
        summary: 'Add one code (stored upper case, matched case-insensitively)',
        params: IdParams,
        body: CreateCodeBody,
        response: { 201: CodeSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => reply.code(201).send(await codes.create(request.params.id, request.body)),
  );
  app.get(
    '/api/v1/discounts/promotions/:id/codes',
    {
      config: { auth: WRITE },
      schema: {
        tags,
        summary: "A promotion's codes in code order, by part of the code or batch",
        params: IdParams,
        querystring: CodeQuery,
        response: { 200: PageOf(CodeSchema), ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) => codes.list(request.params.id, request.query),
  );
  app.post(
    '/api/v1/discounts/promotions/:id/code-batches',
    {
      config: { auth: WRITE, idempotency: 'optional' },
      schema: {
        tags,
        summary:
          'Generate up to 10,000 unique random codes at once (no 0/O, 1/I/L), single use by default; export them as CSV',
        params: IdParams,
        body: CreateBatchBody,
        response: { 201: BatchSchema, ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const batch = await codes.createBatch(request.params.id, request.body, actorOf(request));
      return reply.code(201).header('location', batch.csv).send(batch);
    },
  );
  app.get(
    '/api/v1/discounts/code-batches/:id/codes.csv',
    {
      config: { auth: WRITE },
      schema: {
        tags,
        summary: "A batch's codes as CSV: code,usage_limit,uses",
        params: IdParams,
        produces: ['text/csv'],
        response: {
          200: { content: { 'text/csv': { schema: Type.String() } } },
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="codes-${request.params.id}.csv"`)
        .send(await codes.csv(request.params.id)),
  );
}
