import { verifyWebhookSignature, WebhookSignatureError } from '@mercato/platform/http';
import { Pool } from 'undici';
import {
  ProviderRefusal,
  ProviderUnavailable,
  WebhookRejected,
  type AuthorizeResult,
  type PaymentProvider,
  type ProviderCard,
  type ProviderEvent,
} from './payment-provider.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- the PSP's JSON is read field by field below */
type Json = Record<string, any>;

export interface SimulatorProviderOptions {
  baseUrl: string;
  secretKey: string;
  webhookSecret: string;
  timeoutMs: number;
  /** How far a webhook's timestamp may be from now (seconds). */
  toleranceSeconds: number;
}

function cardOf(c: Json | null | undefined): ProviderCard | null {
  if (!c) return null;
  return {
    brand: String(c.brand),
    last4: String(c.last4),
    expMonth: Number(c.exp_month),
    expYear: Number(c.exp_year),
    country: c.country ? String(c.country) : null,
    fingerprint: c.fingerprint ? String(c.fingerprint) : null,
  };
}

/** Failure of a payment intent as Mercato names it (a decline code says more than card_declined). */
function failureOf(err: Json | null | undefined): { code: string; message: string } {
  const code = String(err?.decline_code ?? err?.code ?? 'card_declined');
  return {
    code: code === 'payment_intent_authentication_failure' ? 'authentication_failed' : code,
    message: String(err?.message ?? 'The payment was declined'),
  };
}

/**
 * The provider adapter for the PSP simulator (apps/simulators): Stripe-shaped JSON over
 * HTTP, the secret key as bearer token, an Idempotency-Key on every POST, and webhooks
 * signed `Psp-Signature: t=…,v1=HMAC-SHA256("t.body")`.
 */
export function createSimulatorProvider(
  opts: SimulatorProviderOptions,
): PaymentProvider & { close(): Promise<void> } {
  const pool = new Pool(opts.baseUrl, { connections: 64, pipelining: 1 });

  async function call(
    method: 'GET' | 'POST',
    path: string,
    body?: Json,
    idempotencyKey?: string,
  ): Promise<Json> {
    let res;
    try {
      res = await pool.request({
        method,
        path,
        headers: {
          authorization: `Bearer ${opts.secretKey}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        headersTimeout: opts.timeoutMs,
        bodyTimeout: opts.timeoutMs,
      });
    } catch (err) {
      throw new ProviderUnavailable(`PSP ${method} ${path}: ${(err as Error).message}`, { cause: err });
    }
    const text = await res.body.text();
    if (res.statusCode >= 500)
      throw new ProviderUnavailable(`PSP ${method} ${path} answered ${res.statusCode}`);
    let json: Json;
    try {
      json = JSON.parse(text) as Json;
    } catch {
      throw new ProviderUnavailable(`PSP ${method} ${path} answered no JSON (${res.statusCode})`);
    }
    if (res.statusCode >= 400) {
      // A declined confirmation (402) still carries its payment intent: the caller reads it.
      if (res.statusCode === 402 && json.error?.payment_intent) return { declined: json.error };
      throw new ProviderRefusal(
        String(json.error?.code ?? 'provider_error'),
        String(json.error?.message ?? `PSP answered ${res.statusCode}`),
        res.statusCode,
      );
    }
    return json;
  }

  function intentResult(pi: Json): AuthorizeResult {
    const card = cardOf(pi.payment_method_details?.card);
    switch (pi.status) {
      case 'requires_capture':
        return { status: 'authorized', reference: pi.id, card };
      case 'processing':
        return { status: 'processing', reference: pi.id, card };
      case 'requires_action':
        return {
          status: 'requires_action',
          reference: pi.id,
          card,
          actionUrl: String(pi.next_action?.redirect_to_url?.url),
        };
      default:
        return { status: 'failed', reference: pi.id, card, failure: failureOf(pi.last_payment_error) };
    }
  }

  return {
    name: 'simulator',
    async cardOfToken(token) {
      const t = await call('GET', `/v1/tokens/${encodeURIComponent(token)}`);
      if (t.used) throw new ProviderRefusal('token_already_used', 'This token has already been used', 400);
      return cardOf(t.card)!;
    },
    async saveMethod(token, idempotencyKey) {
      const pm = await call('POST', '/v1/payment_methods', { token }, idempotencyKey);
      return { reference: String(pm.id), card: cardOf(pm.card)! };
    },
    async deleteMethod(reference, idempotencyKey) {
      await call('POST', `/v1/payment_methods/${encodeURIComponent(reference)}/detach`, {}, idempotencyKey);
    },
    async authorize(input) {
      const out = await call(
        'POST',
        '/v1/payment_intents',
        {
          amount: input.amount,
          currency: input.currency.toLowerCase(),
          payment_method: input.method,
          capture_method: 'manual',
          confirm: true,
          ...(input.returnUrl ? { return_url: input.returnUrl } : {}),
          metadata: input.metadata,
        },
        input.idempotencyKey,
      );
      if (out.declined) {
        const pi = out.declined.payment_intent as Json;
        return {
          status: 'failed',
          reference: String(pi.id),
          card: cardOf(pi.payment_method_details?.card),
          failure: failureOf(out.declined),
        };
      }
      return intentResult(out);
    },
    async capture({ reference, amount, final, idempotencyKey }) {
      const pi = await call(
        'POST',
        `/v1/payment_intents/${encodeURIComponent(reference)}/capture`,
        { amount_to_capture: amount, final_capture: final },
        idempotencyKey,
      );
      return { captured: Number(pi.amount_received) };
    },
    async void({ reference, idempotencyKey }) {
      await call('POST', `/v1/payment_intents/${encodeURIComponent(reference)}/cancel`, {}, idempotencyKey);
    },
    async refund({ reference, amount, refundId, idempotencyKey }) {
      const r = await call(
        'POST',
        '/v1/refunds',
        { payment_intent: reference, amount, metadata: { refundId } },
        idempotencyKey,
      );
      return { reference: String(r.id) };
    },
    verifyWebhook(rawBody, headers, now) {
      const raw = headers['psp-signature'];
      try {
        verifyWebhookSignature(rawBody, Array.isArray(raw) ? raw[0] : raw, opts.webhookSecret, {
          toleranceSeconds: opts.toleranceSeconds,
          now: () => now,
        });
      } catch (err) {
        if (!(err instanceof WebhookSignatureError)) throw err;
        throw new WebhookRejected(err.reason === 'stale' ? 'stale' : 'signature', err.message);
      }
      let event: Json;
      try {
        event = JSON.parse(rawBody) as Json;
      } catch {
        throw new WebhookRejected('malformed', 'the body is not JSON');
      }
      const object = event?.data?.object as Json | undefined;
      if (
        typeof event?.id !== 'string' ||
        typeof event?.type !== 'string' ||
        typeof object !== 'object' ||
        !object
      ) {
        throw new WebhookRejected('malformed', 'not an event: id, type and data.object are required');
      }
      return readEvent(event.id, event.type, object);
    },
    close: () => pool.close(),
  };
}

function readEvent(id: string, type: string, o: Json): ProviderEvent {
  const base = readChange(id, type, o);
  const paymentId =
    type.startsWith('payment_intent.') && typeof o.metadata?.paymentId === 'string'
      ? o.metadata.paymentId
      : null;
  return { ...base, paymentId };
}

function readChange(id: string, type: string, o: Json): Omit<ProviderEvent, 'paymentId'> {
  const intent = typeof o.id === 'string' ? o.id : null;
  switch (type) {
    case 'payment_intent.amount_capturable_updated':
      return {
        id,
        type,
        reference: intent,
        change: { kind: 'authorized', amount: Number(o.amount_capturable) },
      };
    case 'payment_intent.requires_action':
      return {
        id,
        type,
        reference: intent,
        change: { kind: 'requires_action', actionUrl: o.next_action?.redirect_to_url?.url ?? null },
      };
    case 'payment_intent.payment_failed':
      return { id, type, reference: intent, change: { kind: 'failed', ...failureOf(o.last_payment_error) } };
    case 'payment_intent.succeeded':
      return { id, type, reference: intent, change: { kind: 'captured', amount: Number(o.amount_received) } };
    case 'payment_intent.canceled':
      return { id, type, reference: intent, change: { kind: 'voided' } };
    case 'refund.created':
      return {
        id,
        type,
        reference: typeof o.payment_intent === 'string' ? o.payment_intent : null,
        change: {
          kind: 'refunded',
          refundReference: String(o.id),
          amount: Number(o.amount),
          refundId: typeof o.metadata?.refundId === 'string' ? o.metadata.refundId : null,
        },
      };
    default:
      return { id, type, reference: intent, change: { kind: 'other' } };
  }
}
