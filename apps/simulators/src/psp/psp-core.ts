import { createHash, randomBytes } from 'node:crypto';
import { brandOf, countryOf, luhnValid, outcomeOf } from './cards.ts';
import type { PspEvent, WebhookSender } from './webhooks.ts';
import { invalid, missing, PspError, type Card, type Intent, type RefundRecord } from './psp-model.ts';

export { PspError } from './psp-model.ts';

export interface PspCoreOptions {
  /** Base URL of the simulator as the buyer's browser reaches it (3-D Secure page links). */
  publicUrl: () => string;
  /** How long a 4000000000000077 payment stays processing before the PSP authorizes it. */
  asyncDelayMs: number;
  now?: () => number;
}

const stringMap = (v: unknown): Record<string, string> =>
  typeof v === 'object' && v !== null
    ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]))
    : {};

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

const DECLINES = {
  decline: { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' },
  insufficient_funds: {
    code: 'card_declined',
    decline_code: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
  expired_card: { code: 'expired_card', message: 'Your card has expired.' },
  processing_error: {
    code: 'processing_error',
    message: 'An error occurred while processing your card. Try again in a little bit.',
  },
} as const;

/**
 * The PSP's state and rules (no HTTP): card tokens, reusable payment methods, payment
 * intents (manual capture), refunds, the 3-D Secure challenge, and an event for every
 * change, handed to the webhook sender. State lives in memory, as a test-mode account would.
 */
export function createPspCore(webhooks: WebhookSender, opts: PspCoreOptions) {
  const now = opts.now ?? Date.now;
  const tokens = new Map<string, { card: Card; used: boolean; created: number }>();
  const methods = new Map<string, { card: Card; created: number; detached: boolean }>();
  const intents = new Map<string, Intent>();
  const refunds = new Map<string, RefundRecord>();
  const events = new Map<string, PspEvent>();
  const timers = new Set<NodeJS.Timeout>();
  const seconds = () => Math.floor(now() / 1000);

  function cardView(c: Card) {
    return {
      brand: c.brand,
      last4: c.last4,
      exp_month: c.expMonth,
      exp_year: c.expYear,
      country: c.country,
      fingerprint: c.fingerprint,
    };
  }

  function intentView(pi: Intent) {
    return {
      id: pi.id,
      object: 'payment_intent',
      amount: pi.amount,
      currency: pi.currency,
      status: pi.status,
      capture_method: 'manual',
      amount_capturable: pi.amountCapturable,
      amount_received: pi.amountReceived,
      amount_refunded: pi.amountRefunded,
      payment_method: pi.paymentMethod,
      payment_method_details: { type: 'card', card: cardView(pi.card) },
      last_payment_error: pi.lastPaymentError,
      next_action:
        pi.status === 'requires_action'
          ? {
              type: 'redirect_to_url',
              redirect_to_url: {
                url: `${opts.publicUrl()}/3ds/${pi.id}?secret=${pi.challengeSecret}`,
                return_url: pi.returnUrl,
              },
            }
          : null,
      metadata: pi.metadata,
      created: pi.created,
      livemode: false,
    };
  }

  function refundView(r: RefundRecord) {
    return {
      id: r.id,
      object: 'refund',
      amount: r.amount,
      currency: r.currency,
      payment_intent: r.paymentIntent,
      reason: r.reason,
      metadata: r.metadata,
      status: 'succeeded',
      created: r.created,
    };
  }

  function emit(type: string, object: Record<string, unknown>): void {
    const event: PspEvent = {
      id: id('evt'),
      object: 'event',
      type,
      created: seconds(),
      livemode: false,
      data: { object },
    };
    events.set(event.id, event);
    webhooks.send(event);
  }

  function intent(piId: string): Intent {
    const pi = intents.get(piId);
    if (!pi) throw missing('payment_intent', piId);
    return pi;
  }

  function fail(pi: Intent, error: Intent['lastPaymentError']): void {
    pi.status = 'requires_payment_method';
    pi.amountCapturable = 0;
    pi.lastPaymentError = error;
    emit('payment_intent.payment_failed', intentView(pi));
  }

  function authorize(pi: Intent): void {
    pi.status = 'requires_capture';
    pi.amountCapturable = pi.amount;
    emit('payment_intent.amount_capturable_updated', intentView(pi));
  }

  function cardFor(paymentMethod: string): Card {
    if (paymentMethod.startsWith('tok_')) {
      const t = tokens.get(paymentMethod);
      if (!t) throw missing('token', paymentMethod);
      if (t.used) {
        throw invalid(
          'payment_method',
          'This token has already been used; tokens are single-use',
          'token_already_used',
        );
      }
      t.used = true;
      return t.card;
    }
    const m = methods.get(paymentMethod);
    if (!m || m.detached) throw missing('payment_method', paymentMethod);
    return m.card;
  }

  return {
    events,
    createToken(input: { number?: unknown; exp_month?: unknown; exp_year?: unknown; cvc?: unknown }) {
      const number = String(input.number ?? '').replace(/[\s-]/g, '');
      if (!luhnValid(number))
        throw new PspError(402, 'card_error', 'incorrect_number', 'Your card number is incorrect.', {
          param: 'number',
        });
      const expMonth = Number(input.exp_month);
      const expYear = Number(input.exp_year);
      if (!Number.isInteger(expMonth) || expMonth < 1 || expMonth > 12) {
        throw new PspError(
          402,
          'card_error',
          'invalid_expiry_month',
          "Your card's expiration month is invalid.",
          { param: 'exp_month' },
        );
      }
      const d = new Date(now());
      if (
        !Number.isInteger(expYear) ||
        expYear < d.getUTCFullYear() ||
        (expYear === d.getUTCFullYear() && expMonth < d.getUTCMonth() + 1) ||
        expYear > d.getUTCFullYear() + 50
      ) {
        throw new PspError(
          402,
          'card_error',
          'invalid_expiry_year',
          "Your card's expiration year is invalid.",
          { param: 'exp_year' },
        );
      }
      const cvc = String(input.cvc ?? '');
      if (!/^\d{3,4}$/.test(cvc))
        throw new PspError(402, 'card_error', 'invalid_cvc', "Your card's security code is invalid.", {
          param: 'cvc',
        });
      const card: Card = {
        number,
        brand: brandOf(number),
        last4: number.slice(-4),
        expMonth,
        expYear,
        country: countryOf(number),
        fingerprint: createHash('sha256').update(`fp:${number}`).digest('hex').slice(0, 16),
      };
      const tokenId = id('tok');
      tokens.set(tokenId, { card, used: false, created: seconds() });
      return {
        id: tokenId,
        object: 'token',
        type: 'card',
        used: false,
        card: cardView(card),
        created: seconds(),
        livemode: false,
      };
    },

    /** A token's card (never its number), for the merchant's checks before charging. */
    getToken(tokenId: string) {
      const t = tokens.get(tokenId);
      if (!t) throw missing('token', tokenId);
      return {
        id: tokenId,
        object: 'token',
        type: 'card',
        used: t.used,
        card: cardView(t.card),
        created: t.created,
        livemode: false,
      };
    },

    createPaymentMethod(token: string) {
      const card = cardFor(token);
      const pmId = id('pm');
      methods.set(pmId, { card, created: seconds(), detached: false });
      return { id: pmId, object: 'payment_method', type: 'card', card: cardView(card), created: seconds() };
    },

    detachPaymentMethod(pmId: string) {
      const m = methods.get(pmId);
      if (!m) throw missing('payment_method', pmId);
      m.detached = true;
      return { id: pmId, object: 'payment_method', type: 'card', card: cardView(m.card), detached: true };
    },

    /** Creates and confirms a payment intent (capture_method manual). A refused card answers 402. */
    createIntent(input: {
      amount?: unknown;
      currency?: unknown;
      payment_method?: unknown;
      return_url?: unknown;
      metadata?: unknown;
    }) {
      const amount = Number(input.amount);
      if (!Number.isInteger(amount) || amount < 1 || amount > 99_999_999_99)
        throw invalid('amount', 'Invalid amount');
      const currency = String(input.currency ?? '').toLowerCase();
      if (!/^[a-z]{3}$/.test(currency)) throw invalid('currency', 'Invalid currency');
      const pm = String(input.payment_method ?? '');
      if (!/^(tok|pm)_[A-Za-z0-9]+$/.test(pm))
        throw invalid('payment_method', 'A payment_method (tok_… or pm_…) is required');
      const card = cardFor(pm);
      const metadata = stringMap(input.metadata);
      const pi: Intent = {
        id: id('pi'),
        amount,
        currency,
        status: 'processing',
        paymentMethod: pm,
        card,
        amountCapturable: 0,
        amountReceived: 0,
        amountRefunded: 0,
        lastPaymentError: null,
        challengeSecret: randomBytes(16).toString('hex'),
        returnUrl: typeof input.return_url === 'string' ? input.return_url : null,
        metadata,
        created: seconds(),
      };
      intents.set(pi.id, pi);
      const outcome = outcomeOf(card.number);
      switch (outcome) {
        case 'success':
          authorize(pi);
          break;
        case 'challenge':
          pi.status = 'requires_action';
          emit('payment_intent.requires_action', intentView(pi));
          break;
        case 'async_success': {
          emit('payment_intent.processing', intentView(pi));
          const t = setTimeout(() => {
            timers.delete(t);
            if (pi.status === 'processing') authorize(pi);
          }, opts.asyncDelayMs);
          timers.add(t);
          break;
        }
        default: {
          fail(pi, DECLINES[outcome]);
          throw new PspError(402, 'card_error', DECLINES[outcome].code, DECLINES[outcome].message, {
            ...('decline_code' in DECLINES[outcome] ? { decline_code: DECLINES[outcome].decline_code } : {}),
            payment_intent: intentView(pi),
          });
        }
      }
      return intentView(pi);
    },

    getIntent: (piId: string) => intentView(intent(piId)),
    hasIntent: (piId: string) => intents.has(piId),
    challengeOf(piId: string, secret: string) {
      const pi = intents.get(piId);
      return pi && pi.challengeSecret === secret
        ? {
            amount: pi.amount,
            currency: pi.currency,
            status: pi.status,
            returnUrl: pi.returnUrl,
            last4: pi.card.last4,
          }
        : null;
    },

    /**
     * Captures `amount_to_capture` (default all that is capturable). `final_capture: false`
     * (Stripe's multicapture) keeps the rest capturable for later captures; a final one
     * releases it and the intent succeeds.
     */
    capture(piId: string, input: { amount_to_capture?: unknown; final_capture?: unknown }) {
      const pi = intent(piId);
      if (pi.status !== 'requires_capture') {
        throw new PspError(
          400,
          'invalid_request_error',
          'payment_intent_unexpected_state',
          `This PaymentIntent could not be captured because it has a status of ${pi.status}.`,
        );
      }
      const amount =
        input.amount_to_capture === undefined ? pi.amountCapturable : Number(input.amount_to_capture);
      if (!Number.isInteger(amount) || amount < 1 || amount > pi.amountCapturable) {
        throw invalid('amount_to_capture', `amount_to_capture must be between 1 and ${pi.amountCapturable}`);
      }
      pi.amountReceived += amount;
      pi.amountCapturable -= amount;
      if ((input.final_capture === false || input.final_capture === 'false') && pi.amountCapturable > 0) {
        emit('charge.captured', intentView(pi));
        return intentView(pi);
      }
      pi.status = 'succeeded';
      pi.amountCapturable = 0;
      emit('payment_intent.succeeded', intentView(pi));
      return intentView(pi);
    },

    cancel(piId: string) {
      const pi = intent(piId);
      if (pi.status === 'succeeded' || pi.status === 'canceled' || pi.amountReceived > 0) {
        throw new PspError(
          400,
          'invalid_request_error',
          'payment_intent_unexpected_state',
          pi.amountReceived > 0
            ? 'This PaymentIntent was partly captured: finish it with a final capture.'
            : `You cannot cancel this PaymentIntent because it has a status of ${pi.status}.`,
        );
      }
      pi.status = 'canceled';
      pi.amountCapturable = 0;
      emit('payment_intent.canceled', intentView(pi));
      return intentView(pi);
    },

    /** The buyer's answer on the 3-D Secure page. */
    decideChallenge(piId: string, secret: string, approve: boolean) {
      const pi = intents.get(piId);
      if (!pi || pi.challengeSecret !== secret) throw missing('payment_intent', piId);
      if (pi.status !== 'requires_action') return intentView(pi);
      if (approve) authorize(pi);
      else
        fail(pi, {
          code: 'payment_intent_authentication_failure',
          message: 'The buyer failed 3-D Secure authentication.',
        });
      return intentView(pi);
    },

    createRefund(input: {
      payment_intent?: unknown;
      amount?: unknown;
      reason?: unknown;
      metadata?: unknown;
    }) {
      const pi = intent(String(input.payment_intent ?? ''));
      if (pi.amountReceived === 0) {
        throw new PspError(
          400,
          'invalid_request_error',
          'charge_not_captured',
          'This PaymentIntent has nothing captured to refund.',
        );
      }
      const left = pi.amountReceived - pi.amountRefunded;
      const amount = input.amount === undefined ? left : Number(input.amount);
      if (!Number.isInteger(amount) || amount < 1 || amount > left) {
        throw new PspError(
          400,
          'invalid_request_error',
          'amount_too_large',
          `Refund amount must be between 1 and ${left}.`,
          { param: 'amount' },
        );
      }
      pi.amountRefunded += amount;
      const r: RefundRecord = {
        id: id('re'),
        paymentIntent: pi.id,
        amount,
        currency: pi.currency,
        reason: typeof input.reason === 'string' ? input.reason : null,
        metadata: stringMap(input.metadata),
        created: seconds(),
      };
      refunds.set(r.id, r);
      emit('refund.created', refundView(r));
      return refundView(r);
    },

    close(): void {
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}

export type PspCore = ReturnType<typeof createPspCore>;
