import { actorOf } from '@mercato/platform/auth';
import {
  IfMatchHeaders,
  parseIfMatch,
  problemResponses,
  versionEtag,
  type ServiceApp,
} from '@mercato/platform/http';
import { Type } from 'typebox';
import {
  LOCALE_PATTERN,
  NotificationTypeSchema,
  PreviewBody,
  RenderedSchema,
  TemplateBody,
  TemplateSchema,
} from './template.ts';
import type { TemplateService } from './template-service.ts';

const tags = ['notifications'];
const ADMIN = { permission: 'notifications:write' } as const;
const Params = Type.Object({
  type: Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$', examples: ['verify_email'] }),
  locale: Type.String({ pattern: LOCALE_PATTERN, examples: ['en'] }),
});

/** /api/v1/notifications/types and /templates: what can be sent, and its templates per locale. */
export function registerTemplateRoutes(app: ServiceApp, templates: TemplateService): void {
  app.get(
    '/api/v1/notifications/types',
    {
      config: { auth: ADMIN },
      schema: {
        tags,
        summary: 'Notification types: category, the variables their templates may use, sample data',
        response: { 200: Type.Array(NotificationTypeSchema) },
      },
    },
    async () => templates.types(),
  );

  app.get(
    '/api/v1/notifications/templates',
    {
      config: { auth: ADMIN },
      schema: {
        tags,
        summary: 'Every template (stored, or the shipped default)',
        response: { 200: Type.Array(TemplateSchema) },
      },
    },
    async () => templates.list(),
  );

  app.get(
    '/api/v1/notifications/templates/:type/:locale',
    {
      config: { auth: ADMIN },
      schema: {
        tags,
        summary: 'One template (ETag = version; 0 while only the default exists)',
        params: Params,
        response: { 200: TemplateSchema, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const t = await templates.get(request.params.type, request.params.locale);
      return reply.header('etag', versionEtag(t.version)).send(t);
    },
  );

  app.put(
    '/api/v1/notifications/templates/:type/:locale',
    {
      config: { auth: ADMIN },
      schema: {
        tags,
        summary:
          'Create or replace a template; refused (400, nothing stored) when it does not parse, uses an unknown variable or fails on the sample data',
        params: Params,
        headers: IfMatchHeaders,
        body: TemplateBody,
        response: { 200: TemplateSchema, ...problemResponses(400, 404, 412) },
      },
    },
    async (request, reply) => {
      const expected = parseIfMatch(request.headers['if-match']);
      const t = await templates.save(
        request.params.type,
        request.params.locale,
        request.body,
        expected,
        actorOf(request),
      );
      return reply.header('etag', versionEtag(t.version)).send(t);
    },
  );

  app.post(
    '/api/v1/notifications/templates/:type/:locale/preview',
    {
      config: { auth: ADMIN },
      schema: {
        tags,
        summary: 'Render a template (the stored one, or a draft) with sample data (or the data given)',
        params: Params,
        body: PreviewBody,
        response: { 200: RenderedSchema, ...problemResponses(400, 404) },
      },
    },
    async (request) => templates.preview(request.params.type, request.params.locale, request.body),
  );
}
