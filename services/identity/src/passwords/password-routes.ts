import { problemResponses } from '@mercato/platform/http';
import type { ServiceApp } from '@mercato/platform/http';
import { Type } from 'typebox';
import { AcceptedSchema, EmailField, PasswordField, SecretField, tags } from '../accounts/auth-schemas.ts';
import { currentUserId } from '../accounts/current-user.ts';
import type { PasswordService } from './password-service.ts';

const ChangeBody = Type.Object(
  {
    currentPassword: PasswordField,
    newPassword: PasswordField,
    refreshToken: Type.Optional({
      ...SecretField,
      description: 'the refresh token of this session, which then stays signed in',
    }),
  },
  { additionalProperties: false },
);

/** /api/v1/auth/password/forgot, /reset and /change. */
export function registerPasswordRoutes(app: ServiceApp, passwords: PasswordService): void {
  app.post(
    '/api/v1/auth/password/forgot',
    {
      schema: {
        tags,
        summary: 'Send a password-reset link (202 whether or not the account exists)',
        body: Type.Object({ email: EmailField }, { additionalProperties: false }),
        response: { 202: AcceptedSchema, ...problemResponses(400) },
      },
    },
    async (request, reply) => {
      await passwords.forgot(request.body.email);
      return reply.code(202).send({ status: 'accepted' as const });
    },
  );

  app.post(
    '/api/v1/auth/password/reset',
    {
      schema: {
        tags,
        summary: 'Set a new password with the token of the emailed link; signs out every session',
        body: Type.Object(
          { token: SecretField, newPassword: PasswordField },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), ...problemResponses(400, 422) },
      },
    },
    async (request, reply) => {
      await passwords.reset(request.body.token, request.body.newPassword);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/auth/password/change',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Change the password (current one required); other sessions are signed out',
        body: ChangeBody,
        response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 422) },
      },
    },
    async (request, reply) => {
      const { currentPassword, newPassword, refreshToken } = request.body;
      await passwords.change(currentUserId(request), {
        currentPassword,
        newPassword,
        ...(refreshToken ? { keepRefreshToken: refreshToken } : {}),
      });
      return reply.code(204).send(null);
    },
  );
}
