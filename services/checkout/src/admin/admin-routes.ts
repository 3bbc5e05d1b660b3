import { PageOf, PageQuery, problemResponses, type ServiceApp } from '@mercato/platform/http';
import { Type } from 'typebox';
import { CheckoutParams, CheckoutSchema } from '../checkouts/checkout.ts';
import type { AdminService } from './admin-service.ts';

const tags = ['checkout admin'];
const ADMIN = { permission: 'checkout:admin' } as const;

const SagaStatus = Type.Union([
  Type.Literal('running'),
  Type.Literal('waiting'),
  Type.Literal('compensating'),
  Type.Literal('completed'),
  Type.Literal('failed'),
  Type.Literal('stuck'),
]);

export const SagaSummarySchema = Type.Object({
  checkoutId: Type.String(),
  status: SagaStatus,
  currentStep: Type.Union([Type.String(), Type.Null()]),
  failure: Type.Union([
    Type.Object({ code: Type.String(), message: Type.String(), step: Type.String() }),
    Type.Null(),
  ]),
  ageSeconds: Type.Integer({ description: 'since the checkout started' }),
  idleSeconds: Type.Integer({ description: 'since its last transition' }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

/** /api/v1/checkout/admin: operators (checkout:admin) look at sagas, retry or abort the stuck. */
export function registerAdminRoutes(app: ServiceApp, admin: AdminService): void {
  app.get(
    '/api/v1/checkout/admin/sagas',
    {
      config: { auth: ADMIN },
      schema: {
        tags,
        summary: 'Checkout sagas by state, oldest first, with their age (stuck ones first to look at)',
        querystring: Type.Object({ status: Type.Optional(SagaStatus), ...PageQuery }),
        response: { 200: PageOf(SagaSummarySchema), ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => admin.list(request.query),
  );
  app.get(
    '/api/v1/checkout/admin/sagas/:id',
    {
      config: { auth: ADMIN },
      schema: {
        tags,
        summary: "One checkout with its saga's step timeline",
        params: CheckoutParams,
        response: { 200: CheckoutSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => admin.timeline(request.params.id),
  );
  app.post(
    '/api/v1/checkout/admin/sagas/:id/retry',
    {
      config: { auth: ADMIN },
      schema: {
        tags,
        summary:
          'Retry now: a stuck saga runs its compensations again, a waiting or backing-off one its step (409 when it has ended)',
        params: CheckoutParams,
        response: { 200: CheckoutSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => admin.retry(request.params.id),
  );
  app.post(
    '/api/v1/checkout/admin/sagas/:id/abort',
    {
      config: { auth: ADMIN },
      schema: {
        tags,
        summary:
          'Abort an unfinished checkout: every step done (and the one in progress) is undone and it fails with ABORTED (409 when it has ended)',
        params: CheckoutParams,
        body: Type.Optional(
          Type.Object(
            { reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) },
            { additionalProperties: false },
          ),
        ),
        response: { 200: CheckoutSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => admin.abort(request.params.id, request.body?.reason ?? 'aborted by an operator'),
  );
}
