import { problemResponses } from '@mercato/platform/http';
import { type ServiceContext } from '@mercato/platform/service';
import { CommonErrors } from '@mercato/platform/errors';
import type { ServiceApp } from '@mercato/platform/http';
import { Type } from 'typebox';
import type { IdentityDB } from '../db.ts';
import { userInfoOf } from './userinfo.ts';

const UserInfoSchema = Type.Object({
  sub: Type.String(),
  email: Type.Optional(Type.String()),
  email_verified: Type.Optional(Type.Boolean()),
  roles: Type.Array(Type.String()),
  permissions: Type.Array(Type.String()),
});

/** `GET /api/v1/oauth/userinfo` (OIDC): the bearer token's subject, for any valid access token. */
export function registerUserInfoRoutes(app: ServiceApp, ctx: ServiceContext<IdentityDB>): void {
  app.get(
    '/api/v1/oauth/userinfo',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['oauth'],
        summary: 'Who the access token belongs to (OIDC userinfo)',
        response: { 200: UserInfoSchema, ...problemResponses(401) },
      },
    },
    async (request, reply) => {
      // auth: 'user' has already refused requests without a principal.
      if (!request.principal) throw CommonErrors.UNAUTHORIZED();
      reply.header('cache-control', 'no-store');
      return userInfoOf(ctx, request.principal);
    },
  );
}
