/**
 * What Mercato needs of a payment service provider. One adapter per provider
 * (simulator-provider.ts speaks to apps/simulators over HTTP); the payment use cases know
 * only this interface. Every money-moving call carries an idempotency key derived from
 * Mercato's own ids, so a repeated call is answered, not executed, by the provider.
 */
export interface PaymentProvider {
  readonly name: string;
  /** The card behind a single-use token (brand, last4, expiry, country, fingerprint), without using it. */
  cardOfToken(token: string): Promise<ProviderCard>;
  /** Turns a single-use token into a reusable reference (a saved card). */
  saveMethod(token: string, idempotencyKey: string): Promise<{ reference: string; card: ProviderCard }>;
  deleteMethod(reference: string, idempotencyKey: string): Promise<void>;
  authorize(input: AuthorizeRequest): Promise<AuthorizeResult>;
  /** Captures `amount`; `final: false` keeps the rest capturable (multicapture). Answers all captured so far. */
  capture(input: {
    reference: string;
    amount: number;
    final: boolean;
    idempotencyKey: string;
  }): Promise<{ captured: number }>;
  void(input: { reference: string; idempotencyKey: string }): Promise<void>;
  refund(input: {
    reference: string;
    amount: number;
    refundId: string;
    idempotencyKey: string;
  }): Promise<{ reference: string }>;
  /** Checks a webhook's signature and timestamp (against `now`) and reads its event; throws WebhookRejected. */
  verifyWebhook(
    rawBody: string,
    headers: Record<string, string | string[] | undefined>,
    now: number,
  ): ProviderEvent;
}

export interface ProviderCard {
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  country: string | null;
  fingerprint: string | null;
}

export interface AuthorizeRequest {
  amount: number;
  currency: string;
  /** A single-use token or a saved method's reference. */
  method: string;
  returnUrl?: string;
  idempotencyKey: string;
  metadata: Record<string, string>;
}

export type AuthorizeResult =
  | { status: 'authorized' | 'processing'; reference: string; card: ProviderCard | null }
  | { status: 'requires_action'; reference: string; card: ProviderCard | null; actionUrl: string }
  | {
      status: 'failed';
      reference: string | null;
      card: ProviderCard | null;
      failure: { code: string; message: string };
    };

/** What a webhook says, in Mercato's terms. */
export interface ProviderEvent {
  id: string;
  type: string;
  /** The payment intent (or, for refunds, the intent the refund belongs to). */
  reference: string | null;
  /** Mercato's payment id, when the provider echoes the metadata it was given. */
  paymentId: string | null;
  change:
    | { kind: 'authorized'; amount: number }
    | { kind: 'requires_action'; actionUrl: string | null }
    | { kind: 'failed'; code: string; message: string }
    | { kind: 'captured'; amount: number }
    | { kind: 'voided' }
    | { kind: 'refunded'; refundReference: string; amount: number; refundId: string | null }
    | { kind: 'other' };
}

/** The provider answered and said no (a decline, a bad state, an unknown token): retrying will not help. */
export class ProviderRefusal extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, message: string, status: number) {
    super(message);
    this.name = 'ProviderRefusal';
    this.code = code;
    this.status = status;
  }
}

/** No answer (network, timeout, 5xx): the outcome is unknown; the same idempotency key may be retried. */
export class ProviderUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProviderUnavailable';
  }
}

/** A webhook that must not be believed: bad signature, stale timestamp, not an event. */
export class WebhookRejected extends Error {
  readonly reason: 'signature' | 'stale' | 'malformed';
  constructor(reason: 'signature' | 'stale' | 'malformed', message: string) {
    super(message);
    this.name = 'WebhookRejected';
    this.reason = reason;
  }
}
