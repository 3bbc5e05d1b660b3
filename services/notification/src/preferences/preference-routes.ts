import { problemResponses, type ServiceApp } from '@mercato/platform/http';
import { Type } from 'typebox';
import { PreferencesBody, PreferencesSchema } from './preference.ts';
import type { PreferenceService } from './preference-service.ts';

const tags = ['notifications'];
const TokenQuery = Type.Object({ token: Type.String({ minLength: 10, maxLength: 200 }) });
const Unsubscribed = Type.Object({ unsubscribed: Type.Literal(true), channel: Type.String() });

/** The signed-in customer's preferences, and the unsubscribe link that needs no sign-in. */
export function registerPreferenceRoutes(app: ServiceApp, preferences: PreferenceService): void {
  app.get(
    '/api/v1/notifications/preferences',
    {
      config: { auth: 'user' },
      schema: { tags, summary: 'My notification preferences', response: { 200: PreferencesSchema } },
    },
    async (request) => preferences.get(request.principal!.subject),
  );

  app.put(
    '/api/v1/notifications/preferences',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Change my marketing consent per channel and my quiet hours',
        body: PreferencesBody,
        response: { 200: PreferencesSchema, ...problemResponses(400) },
      },
    },
    async (request) => preferences.update(request.principal!.subject, request.body),
  );

  // GET for the link in the email, POST for one-click unsubscribe (RFC 8058 List-Unsubscribe-Post).
  for (const method of ['GET', 'POST'] as const) {
    app.route({
      method,
      url: '/api/v1/notifications/unsubscribe',
      schema: {
        tags,
        summary: `Unsubscribe from marketing on one channel with the signed token of the link (${method}; no sign-in)`,
        querystring: TokenQuery,
        response: { 200: Unsubscribed, ...problemResponses(400) },
      },
      handler: async (request) => {
        const { channel } = await preferences.unsubscribe(request.query.token);
        return { unsubscribed: true as const, channel };
      },
    });
  }
}
