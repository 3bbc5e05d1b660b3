/** Rule-based fraud scoring: each rule that fires adds points; the sum decides allow / review / deny. */

export interface RiskInput {
  amount: number;
  /** Payments within the window (before this one) with the same card, email, IP. */
  velocity: { card: number; email: number; ip: number };
  cardCountry: string | null;
  billingCountry: string | null;
  ipCountry: string | null;
}

export interface RiskPolicy {
  velocityLimit: number;
  amountThreshold: number;
  reviewScore: number;
  denyScore: number;
}

export interface RiskAssessment {
  score: number;
  decision: 'allow' | 'review' | 'deny';
  reasons: string[];
}

/** Points per rule (documented in the README's fraud section). */
export const RULE_POINTS = {
  card_velocity: 40,
  email_velocity: 25,
  ip_velocity: 25,
  large_amount: 30,
  very_large_amount: 30,
  billing_country_mismatch: 30,
  ip_country_mismatch: 20,
} as const;

export function assessRisk(input: RiskInput, policy: RiskPolicy): RiskAssessment {
  const reasons: Array<keyof typeof RULE_POINTS> = [];
  if (input.velocity.card >= policy.velocityLimit) reasons.push('card_velocity');
  if (input.velocity.email >= policy.velocityLimit) reasons.push('email_velocity');
  if (input.velocity.ip >= policy.velocityLimit) reasons.push('ip_velocity');
  if (input.amount >= policy.amountThreshold) reasons.push('large_amount');
  if (input.amount >= policy.amountThreshold * 5) reasons.push('very_large_amount');
  if (input.cardCountry && input.billingCountry && input.cardCountry !== input.billingCountry) {
    reasons.push('billing_country_mismatch');
  }
  if (input.cardCountry && input.ipCountry && input.cardCountry !== input.ipCountry)
    reasons.push('ip_country_mismatch');
  const score = Math.min(
    100,
    reasons.reduce((sum, r) => sum + RULE_POINTS[r], 0),
  );
  const decision = score >= policy.denyScore ? 'deny' : score >= policy.reviewScore ? 'review' : 'allow';
  return { score, decision, reasons };
}
