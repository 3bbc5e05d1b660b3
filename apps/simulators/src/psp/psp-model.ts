// The PSP simulator's records and errors: cards, payment intents, refunds, and the
// Stripe-shaped error every refusal answers with.
/** A PSP error as Stripe answers it: `{ error: { type, code, message, … } }` with an HTTP status. */
export class PspError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string;
  readonly extra: Record<string, unknown>;
  constructor(
    status: number,
    type: string,
    code: string,
    message: string,
    extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.status = status;
    this.type = type;
    this.code = code;
    this.extra = extra;
  }
  body(): { error: Record<string, unknown> } {
    return { error: { type: this.type, code: this.code, message: this.message, ...this.extra } };
  }
}

export const invalid = (param: string, message: string, code = 'parameter_invalid') =>
  new PspError(400, 'invalid_request_error', code, message, { param });
export const missing = (what: string, id: string) =>
  new PspError(404, 'invalid_request_error', 'resource_missing', `No such ${what}: '${id}'`);

export interface Card {
  number: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  country: string;
  fingerprint: string;
}

export type IntentStatus =
  | 'requires_payment_method'
  | 'requires_action'
  | 'processing'
  | 'requires_capture'
  | 'succeeded'
  | 'canceled';

export interface Intent {
  id: string;
  amount: number;
  currency: string;
  status: IntentStatus;
  paymentMethod: string;
  card: Card;
  amountCapturable: number;
  amountReceived: number;
  amountRefunded: number;
  lastPaymentError: { code: string; decline_code?: string; message: string } | null;
  challengeSecret: string;
  returnUrl: string | null;
  metadata: Record<string, string>;
  created: number;
}

export interface RefundRecord {
  id: string;
  paymentIntent: string;
  amount: number;
  currency: string;
  reason: string | null;
  metadata: Record<string, string>;
  created: number;
}
