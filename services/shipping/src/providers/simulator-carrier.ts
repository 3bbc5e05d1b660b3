import { verifyWebhookSignature, WebhookSignatureError } from '@mercato/platform/http';
import type { ShippingConfig } from '../config.ts';
import { CarrierUnavailableError, type CarrierProvider, type CarrierTrackingEvent } from './carrier.ts';

const STATUSES = new Set<CarrierTrackingEvent['status']>([
  'label_created',
  'in_transit',
  'out_for_delivery',
  'delivered',
  'exception',
  'cancelled',
]);

/** The carrier simulator (apps/simulators) over HTTP. */
export function createSimulatorCarrier(cfg: ShippingConfig, now: () => number = Date.now): CarrierProvider {
  const base = cfg.SHIPPING_CARRIER_URL.replace(/\/$/, '');

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${cfg.SHIPPING_CARRIER_API_KEY}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(cfg.SHIPPING_CARRIER_TIMEOUT_MS),
      });
    } catch (err) {
      throw new CarrierUnavailableError(
        `carrier unreachable: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (res.status >= 500 || res.status === 429)
      throw new CarrierUnavailableError(`carrier answered ${res.status}`);
    return { status: res.status, json };
  }

  return {
    name: 'simulator',

    async createLabel(req) {
      const { status, json } = await call(
        'POST',
        '/v1/shipments',
        {
          reference: req.reference,
          service: req.service,
          weight_grams: req.weightGrams,
          to_country: req.toCountry,
        },
        { 'idempotency-key': req.idempotencyKey },
      );
      if (status >= 400 || typeof json.tracking_code !== 'string' || typeof json.label_url !== 'string')
        throw new CarrierUnavailableError(
          `carrier refused the label (${status}): ${JSON.stringify(json.error ?? json)}`,
        );
      return { trackingNumber: json.tracking_code, labelUrl: json.label_url };
    },

    async voidLabel(trackingNumber) {
      const { status } = await call('POST', `/v1/shipments/${encodeURIComponent(trackingNumber)}/void`);
      if (status === 409) return false;
      if (status >= 400) throw new CarrierUnavailableError(`carrier refused to void (${status})`);
      return true;
    },

    async pickup(trackingNumber) {
      const { status } = await call('POST', `/v1/shipments/${encodeURIComponent(trackingNumber)}/pickup`);
      if (status >= 400) throw new CarrierUnavailableError(`carrier refused the pickup (${status})`);
    },

    parseWebhook(rawBody, headers) {
      const sig = headers['carrier-signature'];
      verifyWebhookSignature(
        rawBody,
        Array.isArray(sig) ? sig[0] : sig,
        cfg.SHIPPING_CARRIER_WEBHOOK_SECRET,
        { now },
      );
      let event: { id?: unknown; data?: { object?: Record<string, unknown> } };
      try {
        event = JSON.parse(rawBody) as typeof event;
      } catch {
        throw new WebhookSignatureError('malformed', 'the body is not JSON');
      }
      const o = event.data?.object ?? {};
      const status = o.status as CarrierTrackingEvent['status'];
      if (typeof event.id !== 'string' || typeof o.tracking_code !== 'string' || !STATUSES.has(status))
        throw new WebhookSignatureError('malformed', 'the event is not a tracking update');
      const at = typeof o.datetime === 'string' ? new Date(o.datetime) : new Date(now());
      return {
        eventId: event.id,
        trackingNumber: o.tracking_code,
        reference: typeof o.reference === 'string' ? o.reference : null,
        status,
        detail: typeof o.message === 'string' ? o.message : status,
        occurredAt: Number.isNaN(at.getTime()) ? new Date(now()) : at,
      };
    },
  };
}
