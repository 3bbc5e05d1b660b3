import {
  PageOf,
  PageQuery,
  parseIfMatch,
  versionEtag,
  type ServiceApp,
  problemResponses,
  IfMatchHeaders,
} from '@mercato/platform/http';
import { Type } from 'typebox';
import { AuditEntrySchema } from '../audit/audit.ts';
import { changeMeta } from '../request-meta.ts';
import {
  CreateFlagBody,
  EvaluationSchema,
  FeatureFlagSchema,
  FLAG_KEY_PATTERN,
  UpdateFlagBody,
} from './flag.ts';
import type { FlagService } from './flag-service.ts';

const tags = ['feature-flags'];
// Changing flags is for admins (settings:write); reading and evaluating them stay public.
const WRITE = { permission: 'settings:write' } as const;
const KeyParams = Type.Object({ key: Type.String({ pattern: FLAG_KEY_PATTERN }) });
const ListQuery = Type.Object({
  ...PageQuery,
  search: Type.Optional(Type.String({ maxLength: 100, description: 'matches key or description' })),
});
const HistoryQuery = Type.Object(PageQuery);
const EvaluateQuery = Type.Object({
  subject: Type.String({
    minLength: 1,
    maxLength: 200,
    description: 'who asks: a user id, shop id, session …',
  }),
});

/** /api/v1/feature-flags: flags with allow/deny lists and a stable percentage rollout. */
export function registerFlagRoutes(app: ServiceApp, flags: FlagService): void {
  app.post(
    '/api/v1/feature-flags',
    {
      config: { idempotency: 'optional', auth: WRITE },
      schema: {
        tags,
        summary: 'Create a feature flag',
        body: CreateFlagBody,
        response: { 201: FeatureFlagSchema, ...problemResponses(400, 409) },
      },
    },
    async (request, reply) => {
      const flag = await flags.create(request.body, changeMeta(request));
      return reply
        .code(201)
        .header('location', `/api/v1/feature-flags/${flag.key}`)
        .header('etag', versionEtag(flag.version))
        .send(flag);
    },
  );

  app.get(
    '/api/v1/feature-flags',
    {
      schema: {
        tags,
        summary: 'List feature flags',
        querystring: ListQuery,
        response: { 200: PageOf(FeatureFlagSchema), ...problemResponses(400) },
      },
    },
    async (request) => flags.list(request.query),
  );

  app.get(
    '/api/v1/feature-flags/:key',
    {
      schema: {
        tags,
        summary: 'Get a feature flag (ETag = version)',
        params: KeyParams,
        response: { 200: FeatureFlagSchema, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const flag = await flags.get(request.params.key);
      return reply.header('etag', versionEtag(flag.version)).send(flag);
    },
  );

  app.patch(
    '/api/v1/feature-flags/:key',
    {
      config: { auth: WRITE },
      schema: {
        tags,
        summary: 'Change a feature flag (partial; If-Match required)',
        params: KeyParams,
        headers: IfMatchHeaders,
        body: UpdateFlagBody,
        response: { 200: FeatureFlagSchema, ...problemResponses(400, 404, 412, 428) },
      },
    },
    async (request, reply) => {
      const expected = parseIfMatch(request.headers['if-match']);
      const flag = await flags.update(request.params.key, request.body, expected, changeMeta(request));
      return reply.header('etag', versionEtag(flag.version)).send(flag);
    },
  );

  app.delete(
    '/api/v1/feature-flags/:key',
    {
      config: { auth: WRITE },
      schema: {
        tags,
        summary: 'Delete a feature flag (If-Match required)',
        params: KeyParams,
        headers: IfMatchHeaders,
        response: { 204: Type.Null(), ...problemResponses(400, 404, 412, 428) },
      },
    },
    async (request, reply) => {
      await flags.remove(request.params.key, parseIfMatch(request.headers['if-match']), changeMeta(request));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/feature-flags/:key/history',
    {
      schema: {
        tags,
        summary: "A feature flag's changes, newest first",
        params: KeyParams,
        querystring: HistoryQuery,
        response: { 200: PageOf(AuditEntrySchema), ...problemResponses(400, 404) },
      },
    },
    async (request) => flags.history(request.params.key, request.query.page, request.query.pageSize),
  );

  // The hot path: served from the cache, serialized by the response schema.
  app.get(
    '/api/v1/feature-flags/:key/evaluate',
    {
      schema: {
        tags,
        summary: 'Evaluate a feature flag for a subject',
        params: KeyParams,
        querystring: EvaluateQuery,
        response: { 200: EvaluationSchema, ...problemResponses(400, 404) },
      },
    },
    async (request) => flags.evaluate(request.params.key, request.query.subject),
  );
}
