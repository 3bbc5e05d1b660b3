/**
 * The simulator's test cards (README, "Test cards"): the number decides what happens when a
 * payment is confirmed with it, as with a real PSP's test mode. Any other number that passes
 * the Luhn check succeeds.
 */
export type CardOutcome =
  | 'success'
  | 'decline'
  | 'insufficient_funds'
  | 'expired_card'
  | 'challenge'
  | 'processing_error'
  | 'async_success';

export interface TestCard {
  number: string;
  outcome: CardOutcome;
  brand?: string;
  country?: string;
  description: string;
}

export const TEST_CARDS: readonly TestCard[] = [
  { number: '4242424242424242', outcome: 'success', description: 'Succeeds (Visa)' },
  { number: '5555555555554444', outcome: 'success', description: 'Succeeds (Mastercard)' },
  { number: '378282246310005', outcome: 'success', description: 'Succeeds (American Express, 4-digit CVC)' },
  {
    number: '4000000760000002',
    outcome: 'success',
    country: 'BR',
    description: 'Succeeds; issued in Brazil',
  },
  {
    number: '4000002760000016',
    outcome: 'success',
    country: 'DE',
    description: 'Succeeds; issued in Germany',
  },
  {
    number: '4000000000000002',
    outcome: 'decline',
    description: 'Declined: card_declined (generic_decline)',
  },
  {
    number: '4000000000009995',
    outcome: 'insufficient_funds',
    description: 'Declined: card_declined (insufficient_funds)',
  },
  { number: '4000000000000069', outcome: 'expired_card', description: 'Declined: expired_card' },
  {
    number: '4000000000003220',
    outcome: 'challenge',
    description: '3-D Secure: requires_action; the challenge page approves (authorized) or rejects (failed)',
  },
  { number: '4000000000000119', outcome: 'processing_error', description: 'Fails: processing_error' },
  {
    number: '4000000000000077',
    outcome: 'async_success',
    description:
      'processing at first; authorized later, known only from the payment_intent.amount_capturable_updated webhook',
  },
];

const byNumber = new Map(TEST_CARDS.map((c) => [c.number, c]));

export function luhnValid(number: string): boolean {
  if (!/^\d{12,19}$/.test(number)) return false;
  let sum = 0;
  for (let i = 0; i < number.length; i++) {
    let d = Number(number[number.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export function brandOf(number: string): string {
  if (/^4/.test(number)) return 'visa';
  if (/^(5[1-5]|2[2-7])/.test(number)) return 'mastercard';
  if (/^3[47]/.test(number)) return 'amex';
  if (/^6(011|5)/.test(number)) return 'discover';
  return 'unknown';
}

export function outcomeOf(number: string): CardOutcome {
  return byNumber.get(number)?.outcome ?? 'success';
}

export function countryOf(number: string): string {
  return byNumber.get(number)?.country ?? 'US';
}
