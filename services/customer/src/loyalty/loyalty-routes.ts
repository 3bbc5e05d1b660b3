import { actorOf } from '@mercato/platform/auth';
import { PageOf, PageQuery, problemResponses, type ServiceApp } from '@mercato/platform/http';
import { Type } from 'typebox';
import { CustomerParams, READ } from '../profiles/profile-routes.ts';
import type { ProfileService } from '../profiles/profile-service.ts';
import { selfOf } from '../request-meta.ts';
import { AdjustmentSchema, LoyaltyMovementSchema, LoyaltySchema } from './loyalty.ts';
import type { LoyaltyService } from './loyalty-service.ts';

const tags = ['loyalty'];
const WRITE = { permission: 'customers:write' } as const;
const Movements = PageOf(LoyaltyMovementSchema);
const Query = Type.Object(PageQuery);

/** Loyalty points: the customer's standing and ledger, support's view, admins' adjustments. */
export function registerLoyaltyRoutes(
  app: ServiceApp,
  loyalty: LoyaltyService,
  profiles: ProfileService,
): void {
  app.get(
    '/api/v1/customers/me/loyalty',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: "The signed-in customer's points, tier and the next tier",
        response: { 200: LoyaltySchema, ...problemResponses(401, 403, 410) },
      },
    },
    async (request) => {
      const me = await profiles.own(selfOf(request));
      return loyalty.standing(me.id);
    },
  );

  app.get(
    '/api/v1/customers/me/loyalty/movements',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: "The signed-in customer's point movements, newest first",
        querystring: Query,
        response: { 200: Movements, ...problemResponses(400, 401, 403, 410) },
      },
    },
    async (request) => {
      const me = await profiles.own(selfOf(request));
      return loyalty.movements(me.id, request.query);
    },
  );

  app.get(
    '/api/v1/customers/:customerId/loyalty/movements',
    {
      config: { auth: READ },
      schema: {
        tags,
        summary: "A customer's point movements, newest first (customers:read)",
        params: CustomerParams,
        querystring: Query,
        response: { 200: Movements, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => loyalty.movements(request.params.customerId, request.query),
  );

  app.post(
    '/api/v1/customers/:customerId/loyalty/adjustments',
    {
      config: { auth: WRITE },
      schema: {
        tags,
        summary: 'Add or take away points by hand, with a note (customers:write)',
        params: CustomerParams,
        body: AdjustmentSchema,
        response: { 201: LoyaltyMovementSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const m = await loyalty.adjust(request.params.customerId, request.body, actorOf(request));
      return reply.code(201).send(m);
    },
  );
}
