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
import { currentUserId } from '../accounts/current-user.ts';
import { EmailSearchField } from '../text-fields.ts';
import type { UserAdminService } from './user-admin-service.ts';
import { ProfileSchema, UserSchema } from './user.ts';

const tags = ['users'];
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const ListQuery = Type.Object({
  ...PageQuery,
  search: Type.Optional(EmailSearchField),
  role: Type.Optional(Type.String({ maxLength: 50 })),
  status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')])),
});
const RolesBody = Type.Object(
  { roles: Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 10 }) },
  { additionalProperties: false },
);
const read = { auth: { permission: 'users:read' } } as const;
const write = { auth: { permission: 'users:write' } } as const;
const guarded = problemResponses(401, 403);

/** The admin user API (/api/v1/users) and the caller's profile (/api/v1/auth/me). */
export function registerUserRoutes(app: ServiceApp, users: UserAdminService): void {
  app.get(
    '/api/v1/users',
    {
      config: read,
      schema: {
        tags,
        summary: 'List users (newest first), filtered by email, role and status',
        querystring: ListQuery,
        response: { 200: PageOf(UserSchema), ...guarded, ...problemResponses(400) },
      },
    },
    async (request) => users.list(request.query),
  );

  app.get(
    '/api/v1/users/:id',
    {
      config: read,
      schema: {
        tags,
        summary: 'One user (ETag = version)',
        params: IdParams,
        response: { 200: UserSchema, ...guarded, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const user = await users.get(request.params.id);
      return reply.header('etag', versionEtag(user.version)).send(user);
    },
  );

  app.put(
    '/api/v1/users/:id/roles',
    {
      config: write,
      schema: {
        tags,
        summary: "Replace a user's roles (If-Match required)",
        params: IdParams,
        headers: IfMatchHeaders,
        body: RolesBody,
        response: { 200: UserSchema, ...guarded, ...problemResponses(400, 404, 409, 412, 428) },
      },
    },
    async (request, reply) => {
      const user = await users.setRoles(
        request.params.id,
        request.body.roles,
        parseIfMatch(request.headers['if-match']),
        currentUserId(request),
      );
      return reply.header('etag', versionEtag(user.version)).send(user);
    },
  );

  for (const action of ['disable', 'enable'] as const) {
    app.post(
      `/api/v1/users/:id/${action}`,
      {
        config: write,
        schema: {
          tags,
          summary:
            action === 'disable'
              ? 'Disable a user: no sign-in, refresh tokens revoked (If-Match optional)'
              : 'Enable a disabled user again (If-Match optional)',
          params: IdParams,
          headers: IfMatchHeaders,
          response: { 200: UserSchema, ...guarded, ...problemResponses(400, 404, 409, 412) },
        },
      },
      async (request, reply) => {
        const expected = parseIfMatch(request.headers['if-match']);
        const actor = currentUserId(request);
        const user = await users[action](request.params.id, expected, actor);
        return reply.header('etag', versionEtag(user.version)).send(user);
      },
    );
  }

  app.get(
    '/api/v1/auth/me',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user: roles, permissions, verification and MFA state',
        response: { 200: ProfileSchema, ...guarded, ...problemResponses(404) },
      },
    },
    async (request) => users.profile(currentUserId(request)),
  );
}
