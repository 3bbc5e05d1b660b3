import type { FieldError } from '@mercato/platform/errors';
import { DiscountErrors } from '../errors.ts';
import type { Promotion } from './promotion.ts';

/** The fields of a promotion that must fit together (a create, or a row with a patch applied). */
export type PromotionFields = Omit<
  Promotion,
  'id' | 'uses' | 'version' | 'createdBy' | 'createdAt' | 'updatedAt'
>;

/**
 * Checks that a promotion's settings fit its kind: 422 DISCOUNT_PROMOTION_INVALID naming
 * every misfit field, so nothing half-defined can be saved.
 */
export function checkPromotion(p: PromotionFields, uses = 0): void {
  const errors: FieldError[] = [];
  const bad = (field: string, message: string) => errors.push({ path: `/body/${field}`, message });
  const only = (field: keyof PromotionFields, kinds: string[]) => {
    if (p[field] !== null && !kinds.includes(p.kind)) bad(field, `does not apply to ${p.kind}`);
  };
  only('percentOff', ['percentage', 'buy_x_get_y']);
  only('amountOff', ['fixed_amount']);
  only('maxDiscount', ['percentage']);
  only('buyQuantity', ['buy_x_get_y']);
  only('getQuantity', ['buy_x_get_y']);
  if (p.kind === 'percentage' && p.percentOff === null) bad('percentOff', 'is required for percentage');
  if (p.kind === 'fixed_amount' && p.amountOff === null) bad('amountOff', 'is required for fixed_amount');
  if (p.kind === 'buy_x_get_y') {
    if (p.buyQuantity === null) bad('buyQuantity', 'is required for buy_x_get_y');
    if (p.getQuantity === null) bad('getQuantity', 'is required for buy_x_get_y');
  }
  if (p.percentOff !== null && Math.abs(p.percentOff * 100 - Math.round(p.percentOff * 100)) > 1e-9) {
    bad('percentOff', 'has at most two decimals');
  }
  for (const f of ['amountOff', 'maxDiscount', 'minSubtotal'] as const) {
    if (p[f] !== null && p.currency === null) bad('currency', `is required with ${f}`);
  }
  if (p.startsAt && p.endsAt && Date.parse(p.endsAt) <= Date.parse(p.startsAt))
    bad('endsAt', 'must be after startsAt');
  if (p.usageLimit !== null && p.usageLimit < uses)
    bad('usageLimit', `is below the ${uses} uses already held or redeemed`);
  if (errors.length > 0) {
    throw DiscountErrors.DISCOUNT_PROMOTION_INVALID(
      errors.map((e) => `${e.path.slice(6)} ${e.message}`).join('; '),
      {
        errors,
      },
    );
  }
}
