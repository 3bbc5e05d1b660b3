import { Type, type Static } from 'typebox';

/** Tiers by points balance, highest first (a customer holds the first whose threshold they reach). */
export const TIERS = [
  { name: 'platinum', minPoints: 20_000 },
  { name: 'gold', minPoints: 5_000 },
  { name: 'silver', minPoints: 1_000 },
  { name: 'bronze', minPoints: 0 },
] as const;

export function tierOf(points: number): string {
  return TIERS.find((t) => points >= t.minPoints)?.name ?? 'bronze';
}

/** Digits after the decimal point of a currency (2 for EUR, 0 for JPY), from the runtime's ICU data. */
function minorDigits(currency: string): number {
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

/** Points an order of `amount` minor units earns at `perUnit` points per whole currency unit (rounded down). */
export function pointsFor(amount: number, currency: string, perUnit: number): number {
  if (amount <= 0 || perUnit <= 0) return 0;
  return Math.floor((amount / 10 ** minorDigits(currency)) * perUnit);
}

/** One change of a customer's points. */
export const LoyaltyMovementSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  delta: Type.Integer(),
  balanceAfter: Type.Integer(),
  reason: Type.Union([Type.Literal('earned'), Type.Literal('reverted'), Type.Literal('adjusted')]),
  reference: Type.Union([Type.String(), Type.Null()], { description: 'the order, for earned and reverted' }),
  note: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});
export type LoyaltyMovement = Static<typeof LoyaltyMovementSchema>;

/** A customer's loyalty standing. */
export const LoyaltySchema = Type.Object({
  points: Type.Integer(),
  tier: Type.String(),
  nextTier: Type.Union([
    Type.Object({ name: Type.String(), pointsNeeded: Type.Integer({ minimum: 1 }) }),
    Type.Null(),
  ]),
});
export type Loyalty = Static<typeof LoyaltySchema>;

export function standing(points: number): Loyalty {
  const next = [...TIERS].reverse().find((t) => t.minPoints > points);
  return {
    points,
    tier: tierOf(points),
    nextTier: next ? { name: next.name, pointsNeeded: next.minPoints - points } : null,
  };
}

/** An admin's manual change of a customer's points. */
export const AdjustmentSchema = Type.Object(
  {
    delta: Type.Integer({ minimum: -1_000_000, maximum: 1_000_000, not: { const: 0 } }),
    note: Type.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false, examples: [{ delta: 250, note: 'goodwill for a late delivery' }] },
);
export type Adjustment = Static<typeof AdjustmentSchema>;
