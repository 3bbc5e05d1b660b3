import { sendProblem, toAppError, type ServiceApp } from '@mercato/platform/http';
import type { FastifyError, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { OAuthError, type OAuthParams } from './oauth-error.ts';
import type { OAuthService } from './oauth-service.ts';

const tags = ['oauth'];
const Form = 'application/x-www-form-urlencoded';
const OAuthErrorBody = Type.Object({
  error: Type.String(),
  error_description: Type.Optional(Type.String()),
  mfa_token: Type.Optional(
    Type.String({ description: 'password grant on an MFA account: finish at /api/v1/auth/login/mfa' }),
  ),
});
const TokenResponse = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer(),
  refresh_token: Type.Optional(Type.String()),
  scope: Type.String(),
});
// Documents the parameters; values are checked by the use case so that every defect is
// answered as an OAuth error, not a problem document. Lengths are bounded all the same
// (a refused schema is an invalid_request too): no parameter is near 4 KB.
const str = Type.Optional(Type.String({ maxLength: 4096 }));
const TokenRequest = Type.Object({
  grant_type: Type.String({ maxLength: 64, description: 'client_credentials, password or refresh_token' }),
  scope: str,
  username: str,
  password: str,
  refresh_token: str,
  client_id: str,
  client_secret: str,
});
const RevokeRequest = Type.Object({
  token: Type.String({ maxLength: 4096 }),
  token_type_hint: str,
  client_id: str,
  client_secret: str,
});

/** `application/x-www-form-urlencoded` as an object; a repeated field becomes an array (refused later). */
function parseForm(body: string): Record<string, string | string[]> {
  const out = new Map<string, string | string[]>();
  for (const [key, value] of new URLSearchParams(body)) {
    const seen = out.get(key);
    out.set(key, seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value]);
  }
  return Object.fromEntries(out);
}

// Client credentials by HTTP Basic (client_secret_basic), or none here: client_secret_post
// sends them in the body, and the first-party web app may send none.
const CLIENT_OPTIONAL: Array<Record<string, string[]>> = [{ clientBasic: [] }, {}];

/**
 * The OAuth 2.0 endpoints (RFC 6749 token, RFC 7009 revocation) in a scope of their own:
 * they read form bodies (and JSON), answer errors as OAuth JSON, never cache, and take
 * client credentials from `Authorization: Basic`.
 */
export function registerOAuthRoutes(app: ServiceApp, oauth: OAuthService): void {
  // Client credentials come as `Authorization: Basic` (the kit's bearer check ignores other schemes).
  const basicOf = (request: FastifyRequest): string | undefined => {
    const auth = request.headers.authorization;
    return auth && /^Basic\s/i.test(auth) ? auth : undefined;
  };

  app.register(async (scope: ServiceApp) => {
    scope.addContentTypeParser(Form, { parseAs: 'string' }, (_request, body, done) => {
      done(null, parseForm(String(body)));
    });

    scope.addHook('onRequest', async (request, reply) => {
      reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    });

    scope.setErrorHandler((err: FastifyError, request, reply) => {
      let oauthErr: OAuthError | undefined = err instanceof OAuthError ? err : undefined;
      const status = oauthErr ? oauthErr.status : toAppError(err).status;
      if (!oauthErr && status < 500) oauthErr = new OAuthError('invalid_request', toAppError(err).message);
      if (!oauthErr) {
        request.log.error({ err }, 'oauth request failed');
        return sendProblem(request, reply, toAppError(err));
      }
      if (oauthErr.status === 401)
        reply.header('www-authenticate', 'Basic realm="mercato", error="invalid_client"');
      return reply.code(oauthErr.status).type('application/json').send(oauthErr.body());
    });

    scope.post(
      '/api/v1/oauth/token',
      {
        schema: {
          tags,
          summary: 'OAuth 2.0 token endpoint (client_credentials, password, refresh_token)',
          description:
            'Form-encoded (or JSON). Clients authenticate with client_secret_basic or client_secret_post; ' +
            'the first-party web app may omit client credentials for the password and refresh_token grants.',
          consumes: [Form, 'application/json'],
          security: CLIENT_OPTIONAL,
          body: TokenRequest,
          response: { 200: TokenResponse, 400: OAuthErrorBody, 401: OAuthErrorBody },
        },
      },
      async (request) => oauth.token(request.body as OAuthParams, basicOf(request)),
    );

    scope.post(
      '/api/v1/oauth/revoke',
      {
        schema: {
          tags,
          summary:
            'Revoke a refresh token (RFC 7009): 200, empty body; access tokens lapse within 15 minutes',
          consumes: [Form, 'application/json'],
          security: CLIENT_OPTIONAL,
          body: RevokeRequest,
          response: {
            200: Type.String({ maxLength: 0, description: 'empty', examples: [''] }),
            400: OAuthErrorBody,
            401: OAuthErrorBody,
          },
        },
      },
      async (request, reply) => {
        await oauth.revoke(request.body as OAuthParams, basicOf(request));
        return reply.code(200).send('');
      },
    );
  });
}
