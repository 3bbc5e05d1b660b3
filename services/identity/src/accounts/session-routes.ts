import { problemResponses } from '@mercato/platform/http';
import type { ServiceApp } from '@mercato/platform/http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import {
  EmailField,
  MfaRequiredSchema,
  PasswordField,
  SecretField,
  tags,
  TokenSetSchema,
} from './auth-schemas.ts';
import { currentUserId } from './current-user.ts';
import type { SignInFrom } from './session-port.ts';
import type { SessionService } from './session-service.ts';

const LoginBody = Type.Object(
  { email: EmailField, password: PasswordField },
  { additionalProperties: false },
);
const MfaBody = Type.Object(
  {
    mfaToken: Type.String({ minLength: 1, maxLength: 4096, description: 'from the first login step' }),
    code: Type.String({ minLength: 6, maxLength: 64, description: 'a TOTP code or a recovery code' }),
  },
  { additionalProperties: false },
);
const RefreshBody = Type.Object({ refreshToken: SecretField }, { additionalProperties: false });
const LoginProblems = problemResponses(400, 401, 403, 423);

// Answers carrying tokens must not be kept by browsers or proxies (RFC 6749 §5.1), and the
// refusals of these routes neither: set before the handler, so errors carry it too.
async function noStore(_request: FastifyRequest, reply: FastifyReply): Promise<void> {
  reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
}

/** The device a sign-in request came from; none without a User-Agent (nothing to tell it by). */
function deviceOf(request: FastifyRequest): SignInFrom | undefined {
  const userAgent = request.headers['user-agent']?.trim();
  return userAgent ? { userAgent, ipAddress: request.ip || null } : undefined;
}

/** Sign-in and sign-out: /api/v1/auth/login, /login/mfa, /refresh, /logout, /logout-all. */
export function registerSessionRoutes(app: ServiceApp, sessions: SessionService): void {
  app.post(
    '/api/v1/auth/login',
    {
      onRequest: noStore,
      schema: {
        tags,
        summary: 'Sign in with email and password: tokens, or an MFA step token when MFA is on',
        body: LoginBody,
        response: { 200: Type.Union([TokenSetSchema, MfaRequiredSchema]), ...LoginProblems },
      },
    },
    async (request) => {
      const device = deviceOf(request);
      const result = await sessions.passwordLogin({ ...request.body, ...(device && { device }) });
      return result.kind === 'tokens'
        ? result.tokens
        : { mfaRequired: true as const, mfaToken: result.mfaToken };
    },
  );

  app.post(
    '/api/v1/auth/login/mfa',
    {
      onRequest: noStore,
      schema: {
        tags,
        summary: 'Second sign-in step: the MFA token and a TOTP or recovery code',
        body: MfaBody,
        response: { 200: TokenSetSchema, ...LoginProblems },
      },
    },
    async (request) => {
      const device = deviceOf(request);
      return sessions.completeMfa({ ...request.body, ...(device && { device }) });
    },
  );

  app.post(
    '/api/v1/auth/refresh',
    {
      onRequest: noStore,
      schema: {
        tags,
        summary: 'New tokens for a refresh token (which stops working; reusing it revokes the session)',
        body: RefreshBody,
        response: { 200: TokenSetSchema, ...problemResponses(400, 401) },
      },
    },
    async (request) => sessions.refresh(request.body.refreshToken),
  );

  app.post(
    '/api/v1/auth/logout',
    {
      schema: {
        tags,
        summary: 'Sign out this session (revokes the refresh token and its rotations)',
        body: RefreshBody,
        response: { 204: Type.Null(), ...problemResponses(400) },
      },
    },
    async (request, reply) => {
      await sessions.logout(request.body.refreshToken);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/auth/logout-all',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Sign out everywhere (revokes every refresh token of the caller)',
        response: { 204: Type.Null(), ...problemResponses(401) },
      },
    },
    async (request, reply) => {
      await sessions.logoutAll(currentUserId(request));
      return reply.code(204).send(null);
    },
  );
}
