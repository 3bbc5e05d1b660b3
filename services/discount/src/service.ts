import { serviceManifests } from '@mercato/contracts';
import { defineService } from '@mercato/platform/service';
import { registerCampaignRoutes } from './campaigns/campaign-routes.ts';
import { createCampaignService } from './campaigns/campaign-service.ts';
import { registerCodeRoutes } from './codes/code-routes.ts';
import { createCodeService } from './codes/code-service.ts';
import { DiscountConfigSchema } from './config.ts';
import type { DiscountDB } from './db.ts';
import { DiscountErrors } from './errors.ts';
import { registerEvaluationRoutes } from './evaluation/evaluation-routes.ts';
import { createEvaluationService } from './evaluation/evaluation-service.ts';
import { registerPromotionRoutes } from './promotions/promotion-routes.ts';
import { createPromotionService } from './promotions/promotion-service.ts';
import { createExpirySweeper } from './redemptions/expiry-sweeper.ts';
import { registerRedemptionRoutes } from './redemptions/redemption-routes.ts';
import { createRedemptionService } from './redemptions/redemption-service.ts';
import { seedDiscount } from './seed.ts';

/** The discount service: promotions, campaigns, codes, limits, evaluation and redemptions. */
export const discountService = defineService<DiscountDB>()({
  manifest: serviceManifests.discount,
  config: DiscountConfigSchema,
  errors: DiscountErrors.catalog,
  migrations: new URL('../migrations/', import.meta.url),
  // One evaluation service per process: its cache of automatic promotions is cleared by the
  // admin changes made here, and reserve evaluates with it too.
  setup(ctx) {
    const evaluation = createEvaluationService(ctx.database.db, ctx.config.DISCOUNT_RULES_CACHE_MS, ctx.now);
    return {
      evaluation,
      promotions: createPromotionService(ctx, evaluation),
      redemptions: createRedemptionService(ctx, evaluation),
    };
  },
  routes(app, ctx, parts) {
    registerEvaluationRoutes(app, parts.evaluation);
    registerRedemptionRoutes(app, parts.redemptions);
    registerPromotionRoutes(app, parts.promotions);
    registerCodeRoutes(app, createCodeService(ctx));
    registerCampaignRoutes(app, createCampaignService(ctx, parts.evaluation));
  },
  workers: (ctx, { redemptions }) => [
    createExpirySweeper(redemptions, {
      intervalMs: ctx.config.DISCOUNT_SWEEP_INTERVAL_MS,
      batch: ctx.config.DISCOUNT_SWEEP_BATCH,
      logger: ctx.logger,
    }),
  ],
  seed: seedDiscount,
});
