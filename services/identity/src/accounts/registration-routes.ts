import { problemResponses } from '@mercato/platform/http';
import type { ServiceApp } from '@mercato/platform/http';
import { Type } from 'typebox';
import { AcceptedSchema, EmailField, PasswordField, SecretField, tags } from './auth-schemas.ts';
import { NameField } from '../text-fields.ts';
import type { RegistrationService } from './registration-service.ts';

const RegisterBody = Type.Object(
  {
    email: EmailField,
    password: PasswordField,
    name: Type.Optional(NameField(200, 'Ada Lovelace', 'display name')),
  },
  { additionalProperties: false },
);
const Registered = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  emailVerified: Type.Boolean(),
});

/** Sign-up and email verification: POST /api/v1/auth/register, /verify-email, /verify-email/resend. */
export function registerRegistrationRoutes(app: ServiceApp, registration: RegistrationService): void {
  app.post(
    '/api/v1/auth/register',
    {
      schema: {
        tags,
        summary: 'Create an account; a verification link is sent by email',
        body: RegisterBody,
        response: { 201: Registered, ...problemResponses(400, 409, 422) },
      },
    },
    async (request, reply) => {
      const user = await registration.register(request.body);
      return reply.code(201).send(user);
    },
  );

  app.post(
    '/api/v1/auth/verify-email',
    {
      schema: {
        tags,
        summary: 'Verify the email address with the token of the emailed link',
        body: Type.Object({ token: SecretField }, { additionalProperties: false }),
        response: { 200: Type.Object({ emailVerified: Type.Literal(true) }), ...problemResponses(400) },
      },
    },
    async (request) => {
      await registration.verifyEmail(request.body.token);
      return { emailVerified: true as const };
    },
  );

  app.post(
    '/api/v1/auth/verify-email/resend',
    {
      schema: {
        tags,
        summary: 'Send a new verification link (202 whether or not the account exists)',
        body: Type.Object({ email: EmailField }, { additionalProperties: false }),
        response: { 202: AcceptedSchema, ...problemResponses(400) },
      },
    },
    async (request, reply) => {
      await registration.resendVerification(request.body.email);
      return reply.code(202).send({ status: 'accepted' as const });
    },
  );
}
