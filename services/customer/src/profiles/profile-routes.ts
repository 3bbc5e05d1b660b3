import {
  IfMatchHeaders,
  PageOf,
  PageQuery,
  parseIfMatch,
  problemResponses,
  versionEtag,
  type ServiceApp,
} from '@mercato/platform/http';
import { Type } from 'typebox';
import { selfOf } from '../request-meta.ts';
import { CustomerSchema, ProfilePatchSchema } from './profile.ts';
import type { ProfileService } from './profile-service.ts';

const tags = ['customers'];
export const READ = { permission: 'customers:read' } as const;
export const CustomerParams = Type.Object({ customerId: Type.String({ format: 'uuid' }) });
const SearchQuery = Type.Object({
  ...PageQuery,
  search: Type.Optional(
    Type.String({ minLength: 1, maxLength: 100, description: 'part of the email or name' }),
  ),
});

/** /api/v1/customers/me (the signed-in customer) and support's search and read. */
export function registerProfileRoutes(app: ServiceApp, profiles: ProfileService): void {
  app.get(
    '/api/v1/customers/me',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: "The signed-in customer's profile (ETag = version)",
        response: { 200: CustomerSchema, ...problemResponses(401, 403, 410) },
      },
    },
    async (request, reply) => {
      const customer = await profiles.own(selfOf(request));
      return reply.header('etag', versionEtag(customer.version)).send(customer);
    },
  );

  app.patch(
    '/api/v1/customers/me',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Change name, phone, locale or marketing consent (If-Match required)',
        headers: IfMatchHeaders,
        body: ProfilePatchSchema,
        response: { 200: CustomerSchema, ...problemResponses(400, 401, 403, 410, 412, 422, 428) },
      },
    },
    async (request, reply) => {
      const self = selfOf(request);
      const customer = await profiles.update(self, request.body, parseIfMatch(request.headers['if-match']), {
        actor: self.subject,
        source: 'account',
      });
      return reply.header('etag', versionEtag(customer.version)).send(customer);
    },
  );

  app.get(
    '/api/v1/customers',
    {
      config: { auth: READ },
      schema: {
        tags,
        summary: 'Search customers by email or name, newest first (customers:read)',
        querystring: SearchQuery,
        response: { 200: PageOf(CustomerSchema), ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => profiles.search(request.query),
  );

  app.get(
    '/api/v1/customers/:customerId',
    {
      config: { auth: READ },
      schema: {
        tags,
        summary: 'One customer (customers:read)',
        params: CustomerParams,
        response: { 200: CustomerSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => profiles.get(request.params.customerId),
  );
}
