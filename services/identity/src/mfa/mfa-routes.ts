import { problemResponses } from '@mercato/platform/http';
import type { ServiceApp } from '@mercato/platform/http';
import { Type } from 'typebox';
import { PasswordField } from '../accounts/auth-schemas.ts';
import { currentUserId } from '../accounts/current-user.ts';
import type { MfaService } from './mfa-service.ts';

const tags = ['mfa'];
const user = { auth: 'user' } as const;
const guarded = problemResponses(401, 403);
const PasswordBody = Type.Object({ password: PasswordField }, { additionalProperties: false });
const RecoveryCodes = Type.Object({
  recoveryCodes: Type.Array(Type.String(), { description: 'single-use codes; shown only in this answer' }),
});

/** Two-factor sign-in of the signed-in user: /api/v1/auth/mfa/… */
export function registerMfaRoutes(app: ServiceApp, mfa: MfaService): void {
  app.post(
    '/api/v1/auth/mfa/totp',
    {
      config: user,
      schema: {
        tags,
        summary: 'Start TOTP enrolment: an otpauth:// URI and its QR code for an authenticator app',
        response: {
          200: Type.Object({ otpauthUri: Type.String(), qrSvg: Type.String({ description: 'SVG image' }) }),
          ...guarded,
          ...problemResponses(409),
        },
      },
    },
    async (request) => mfa.startTotp(currentUserId(request)),
  );

  app.post(
    '/api/v1/auth/mfa/totp/confirm',
    {
      config: user,
      schema: {
        tags,
        summary: 'Confirm TOTP with a code from the app: MFA on, 10 recovery codes returned once',
        body: Type.Object(
          { code: Type.String({ minLength: 6, maxLength: 10 }) },
          { additionalProperties: false },
        ),
        response: { 200: RecoveryCodes, ...guarded, ...problemResponses(400, 409) },
      },
    },
    async (request) => mfa.confirmTotp(currentUserId(request), request.body.code),
  );

  app.post(
    '/api/v1/auth/mfa/disable',
    {
      config: user,
      schema: {
        tags,
        summary: 'Turn two-factor sign-in off (password required)',
        body: PasswordBody,
        response: { 204: Type.Null(), ...guarded, ...problemResponses(400, 409, 423) },
      },
    },
    async (request, reply) => {
      await mfa.disable(currentUserId(request), request.body.password);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/auth/mfa/recovery-codes',
    {
      config: user,
      schema: {
        tags,
        summary: 'A new set of recovery codes (password required); the old set stops working',
        body: PasswordBody,
        response: { 200: RecoveryCodes, ...guarded, ...problemResponses(400, 409, 423) },
      },
    },
    async (request) => mfa.regenerateRecoveryCodes(currentUserId(request), request.body.password),
  );
}
