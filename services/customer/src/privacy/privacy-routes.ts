import { problemResponses, type ServiceApp } from '@mercato/platform/http';
import { AddressSchema } from '@mercato/contracts';
import { Type } from 'typebox';
import { LoyaltyMovementSchema, LoyaltySchema } from '../loyalty/loyalty.ts';
import { CustomerSchema } from '../profiles/profile.ts';
import type { ProfileService } from '../profiles/profile-service.ts';
import { CustomerParams } from '../profiles/profile-routes.ts';
import { selfOf } from '../request-meta.ts';
import type { PrivacyService } from './privacy-service.ts';

const tags = ['customers'];
const ExportSchema = Type.Object({
  exportedAt: Type.String({ format: 'date-time' }),
  profile: CustomerSchema,
  addresses: Type.Array(AddressSchema),
  loyalty: Type.Intersect([LoyaltySchema, Type.Object({ movements: Type.Array(LoyaltyMovementSchema) })]),
});

/** Data access and erasure: the customer's own, and an admin acting on a request received elsewhere. */
export function registerPrivacyRoutes(
  app: ServiceApp,
  privacy: PrivacyService,
  profiles: ProfileService,
): void {
  app.get(
    '/api/v1/customers/me/export',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Everything the customer service holds about the signed-in customer, as JSON',
        response: { 200: ExportSchema, ...problemResponses(401, 403, 410) },
      },
    },
    async (request, reply) => {
      const me = await profiles.own(selfOf(request));
      const data = await privacy.export(me.id);
      return reply.header('content-disposition', 'attachment; filename="customer-data.json"').send(data);
    },
  );

  app.delete(
    '/api/v1/customers/me',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: "Erase the signed-in customer's personal data (profile fields and addresses)",
        response: { 204: Type.Null(), ...problemResponses(401, 403, 410) },
      },
    },
    async (request, reply) => {
      const me = await profiles.own(selfOf(request));
      await privacy.anonymize(me.id, 'erasure request');
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/customers/:customerId/export',
    {
      config: { auth: { permission: 'customers:read' } },
      schema: {
        tags,
        summary: "A customer's data, for a request received by support (customers:read)",
        params: CustomerParams,
        response: { 200: ExportSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => privacy.export(request.params.customerId),
  );

  app.delete(
    '/api/v1/customers/:customerId',
    {
      config: { auth: { permission: 'customers:write' } },
      schema: {
        tags,
        summary: "Erase a customer's personal data on a request received by support (customers:write)",
        params: CustomerParams,
        response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await privacy.anonymize(request.params.customerId, 'erasure request (support)');
      return reply.code(204).send(null);
    },
  );
}
