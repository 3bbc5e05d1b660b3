import { settingsApi } from '@mercato/contracts';
import {
  contractRoute,
  Nullable,
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
import { SETTING_KEY_PATTERN, SettingSchema } from './setting.ts';
import type { SettingService } from './setting-service.ts';

const tags = ['settings'];
// Changing settings is for admins (identity grants settings:write to the admin role); reads stay public.
const WRITE = { permission: 'settings:write' } as const;
const KeyParams = Type.Object({ key: Type.String({ pattern: SETTING_KEY_PATTERN }) });
const ListQuery = Type.Object({
  ...PageQuery,
  search: Type.Optional(Type.String({ maxLength: 100, description: 'matches key or description' })),
});
const HistoryQuery = Type.Object(PageQuery);
const PutBody = Type.Object(
  {
    value: Type.Unknown({ description: 'any JSON; must satisfy the schema' }),
    schema: Type.Optional(
      Type.Union([Type.Object({}, { additionalProperties: true }), Type.Boolean()], {
        description:
          'JSON Schema (draft-07) of the value; on create defaults to {} (any JSON), on update keeps the current one',
      }),
    ),
    description: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  },
  { additionalProperties: false },
);

/** /api/v1/settings: typed settings, each validated by its own JSON Schema. */
export function registerSettingRoutes(app: ServiceApp, settings: SettingService): void {
  app.get(
    '/api/v1/settings',
    {
      schema: {
        tags,
        summary: 'List settings',
        querystring: ListQuery,
        response: { 200: PageOf(SettingSchema), ...problemResponses(400) },
      },
    },
    async (request) => settings.list(request.query),
  );

  app.route({
    ...contractRoute(settingsApi.getSetting, tags),
    handler: async (request, reply) => {
      const setting = await settings.get(request.params.key);
      return reply.header('etag', versionEtag(setting.version)).send(setting);
    },
  });

  app.put(
    '/api/v1/settings/:key',
    {
      config: { auth: WRITE },
      schema: {
        tags,
        summary: 'Create a setting (201) or update it (200, If-Match required)',
        params: KeyParams,
        headers: IfMatchHeaders,
        body: PutBody,
        response: { 200: SettingSchema, 201: SettingSchema, ...problemResponses(400, 412, 422, 428) },
      },
    },
    async (request, reply) => {
      const expected = parseIfMatch(request.headers['if-match']);
      const { setting, created } = await settings.put(
        request.params.key,
        request.body,
        expected,
        changeMeta(request),
      );
      reply.header('etag', versionEtag(setting.version));
      if (created) reply.code(201).header('location', `/api/v1/settings/${setting.key}`);
      return reply.send(setting);
    },
  );

  app.delete(
    '/api/v1/settings/:key',
    {
      config: { auth: WRITE },
      schema: {
        tags,
        summary: 'Delete a setting (If-Match required)',
        params: KeyParams,
        headers: IfMatchHeaders,
        response: { 204: Type.Null(), ...problemResponses(400, 404, 412, 428) },
      },
    },
    async (request, reply) => {
      await settings.remove(
        request.params.key,
        parseIfMatch(request.headers['if-match']),
        changeMeta(request),
      );
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/settings/:key/history',
    {
      schema: {
        tags,
        summary: "A setting's changes, newest first",
        params: KeyParams,
        querystring: HistoryQuery,
        response: { 200: PageOf(AuditEntrySchema), ...problemResponses(400, 404) },
      },
    },
    async (request) => settings.history(request.params.key, request.query.page, request.query.pageSize),
  );
}
