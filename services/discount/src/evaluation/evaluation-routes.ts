import { discountApi } from '@mercato/contracts';
import { contractRoute, type ServiceApp } from '@mercato/platform/http';
import { DiscountErrors } from '../errors.ts';
import { WRITE } from '../request-meta.ts';
import type { EvaluationService } from './evaluation-service.ts';

/**
 * POST /api/v1/discounts/evaluate: public, it changes nothing. The customer id is taken as
 * given from a service or an admin (discounts:write) and from anonymous callers (the cart
 * asks on a guest's or customer's behalf); a signed-in customer may name only themselves.
 */
export function registerEvaluationRoutes(app: ServiceApp, evaluation: EvaluationService): void {
  app.route({
    ...contractRoute(discountApi.evaluate, ['evaluation']),
    config: { auth: 'public' },
    handler: async (request) => {
      const p = request.principal;
      const customerId = request.body.customerId ?? null;
      if (
        p &&
        p.kind === 'user' &&
        !p.permissions.includes(WRITE.permission) &&
        customerId &&
        customerId !== p.subject
      ) {
        throw DiscountErrors.DISCOUNT_CUSTOMER_MISMATCH('customerId must be your own account');
      }
      return (await evaluation.evaluate(request.body)).evaluation;
    },
  });
}
