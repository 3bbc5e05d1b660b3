import { discountApi } from '@mercato/contracts';
import { actorOf } from '@mercato/platform/auth';
import { contractRoute, type ServiceApp } from '@mercato/platform/http';
import { WRITE } from '../request-meta.ts';
import type { RedemptionService } from './redemption-service.ts';

const tags = ['redemptions'];

/** /api/v1/discounts/redemptions: the checkout saga's reserve, commit and release, by checkout id. */
export function registerRedemptionRoutes(app: ServiceApp, redemptions: RedemptionService): void {
  app.route({
    ...contractRoute(discountApi.reserve, tags),
    config: { auth: WRITE },
    handler: async (request, reply) => {
      const { redemption, created } = await redemptions.reserve(request.body, actorOf(request));
      return reply
        .code(created ? 201 : 200)
        .header('location', `/api/v1/discounts/redemptions/${encodeURIComponent(redemption.checkoutId)}`)
        .send(redemption);
    },
  });
  app.route({
    ...contractRoute(discountApi.getRedemption, tags),
    config: { auth: WRITE },
    handler: async (request) => redemptions.get(request.params.checkoutId),
  });
  app.route({
    ...contractRoute(discountApi.commit, tags),
    config: { auth: WRITE },
    // A commit or release without a body (the saga's plain call) takes the defaults.
    preValidation: async (request) => {
      request.body ??= {};
    },
    handler: async (request) => redemptions.commit(request.params.checkoutId, request.body),
  });
  app.route({
    ...contractRoute(discountApi.release, tags),
    config: { auth: WRITE },
    preValidation: async (request) => {
      request.body ??= {};
    },
    handler: async (request) => redemptions.release(request.params.checkoutId, request.body),
  });
}
