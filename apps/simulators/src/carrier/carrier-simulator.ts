import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { seededRandom } from '../psp/random.ts';
import { createWebhookSender, type PspEvent } from '../psp/webhooks.ts';

/** The header the carrier's webhook signature travels in (`t=<unix seconds>,v1=<hex>`, as the PSP's). */
export const CARRIER_SIGNATURE_HEADER = 'carrier-signature';

/** A parcel's tracking states in the order a carrier reports them; `exception` may come at any point after pickup. */
export const TRACKING_STATES = ['label_created', 'in_transit', 'out_for_delivery', 'delivered'] as const;
export type TrackingState = (typeof TRACKING_STATES)[number] | 'exception' | 'cancelled';

export interface CarrierSimulatorOptions {
  /** The API key the shipping service calls with (Bearer). */
  apiKey: string;
  webhook?: { url: string; secret: string };
  /** Seeds webhook duplicates and delays. */
  seed?: number;
  duplicateRate?: number;
  maxDelayMs?: number;
  /** > 0: a picked-up parcel moves one state on every this many ms until delivered (the demo); 0: only by the test helper. */
  autoAdvanceMs?: number;
  now?: () => number;
}

export interface CarrierSimulator {
  listen(port: number, host?: string): Promise<string>;
  readonly url: string;
  webhooksIdle(): Promise<void>;
  addWebhookEndpoint(url: string, secret?: string): { id: string; url: string; secret: string };
  close(): Promise<void>;
}

interface Parcel {
  trackingCode: string;
  reference: string;
  service: string;
  weightGrams: number;
  toCountry: string;
  state: TrackingState;
  history: Array<{ state: TrackingState; at: string; detail: string }>;
}

const DETAIL: Record<TrackingState, string> = {
  label_created: 'Label created, waiting for pickup',
  in_transit: 'Picked up and on its way',
  out_for_delivery: 'Out for delivery',
  delivered: 'Delivered',
  exception: 'Delivery exception',
  cancelled: 'Label voided',
};

/**
 * A parcel carrier stand-in (apps/simulators/README.md): labels with tracking codes
 * (idempotent by Idempotency-Key), voiding before pickup, pickup, and tracking updates sent
 * as HMAC-signed webhooks with retries, duplicates and reordering, like the PSP's.
 */
export function createCarrierSimulator(opts: CarrierSimulatorOptions): CarrierSimulator {
  const now = opts.now ?? Date.now;
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  let url = '';
  const parcels = new Map<string, Parcel>();
  const byKey = new Map<string, string>();
  const timers = new Set<NodeJS.Timeout>();
  const webhooks = createWebhookSender(
    seededRandom(opts.seed ?? now()),
    {
      duplicateRate: opts.duplicateRate ?? 0.1,
      maxDelayMs: opts.maxDelayMs ?? 250,
      maxAttempts: 8,
      retryBaseMs: 500,
      timeoutMs: 5000,
      signatureHeader: CARRIER_SIGNATURE_HEADER,
      userAgent: 'mercato-carrier-simulator/1.0',
    },
    now,
  );
  if (opts.webhook) webhooks.addEndpoint(opts.webhook.url, opts.webhook.secret);

  function view(p: Parcel) {
    return {
      object: 'shipment',
      tracking_code: p.trackingCode,
      reference: p.reference,
      service: p.service,
      status: p.state,
      label_url: `${url}/v1/labels/${p.trackingCode}`,
      tracking_details: p.history.map((h) => ({ status: h.state, datetime: h.at, message: h.detail })),
    };
  }

  function move(p: Parcel, state: TrackingState, detail = DETAIL[state]): void {
    const at = new Date(now()).toISOString();
    p.state = state;
    p.history.push({ state, at, detail });
    const event: PspEvent = {
      id: `evt_${randomBytes(12).toString('hex')}`,
      object: 'event',
      type: 'tracker.updated',
      created: Math.floor(now() / 1000),
      livemode: false,
      data: {
        object: {
          tracking_code: p.trackingCode,
          reference: p.reference,
          status: state,
          message: detail,
          datetime: at,
        },
      },
    };
    webhooks.send(event);
  }

  function next(p: Parcel): TrackingState | undefined {
    const i = TRACKING_STATES.indexOf(p.state as (typeof TRACKING_STATES)[number]);
    return i >= 0 && i < TRACKING_STATES.length - 1 ? TRACKING_STATES[i + 1] : undefined;
  }

  function autoAdvance(p: Parcel): void {
    if (!opts.autoAdvanceMs) return;
    const t = setTimeout(() => {
      timers.delete(t);
      const to = next(p);
      if (!to || p.state === 'exception') return;
      move(p, to);
      autoAdvance(p);
    }, opts.autoAdvanceMs);
    timers.add(t);
  }

  const keyBuf = Buffer.from(`Bearer ${opts.apiKey}`);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.url.startsWith('/v1/labels/')) return;
    const got = Buffer.from(request.headers.authorization ?? '');
    if (got.length !== keyBuf.length || !timingSafeEqual(got, keyBuf))
      return reply.code(401).send({ error: { type: 'authentication_error', message: 'invalid API key' } });
  });

  const error = (reply: FastifyReply, status: number, message: string) =>
    reply.code(status).send({ error: { type: 'invalid_request_error', message } });

  app.post('/v1/shipments', async (request, reply) => {
    const body = request.body as {
      reference?: unknown;
      service?: unknown;
      weight_grams?: unknown;
      to_country?: unknown;
    };
    const key = request.headers['idempotency-key'];
    if (typeof key !== 'string' || key === '') return error(reply, 400, 'Idempotency-Key is required');
    const known = byKey.get(key);
    if (known) return view(parcels.get(known) as Parcel);
    if (
      typeof body?.reference !== 'string' ||
      typeof body.to_country !== 'string' ||
      !/^[A-Z]{2}$/.test(body.to_country)
    )
      return error(reply, 400, 'reference and to_country are required');
    const weight = typeof body.weight_grams === 'number' ? body.weight_grams : 0;
    if (!Number.isInteger(weight) || weight < 0 || weight > 70_000)
      return error(reply, 400, 'weight_grams must be 0–70000');
    const parcel: Parcel = {
      trackingCode: `MC${randomBytes(6).toString('hex').toUpperCase()}`,
      reference: body.reference,
      service: typeof body.service === 'string' ? body.service : 'standard',
      weightGrams: weight,
      toCountry: body.to_country,
      state: 'label_created',
      history: [],
    };
    parcels.set(parcel.trackingCode, parcel);
    byKey.set(key, parcel.trackingCode);
    move(parcel, 'label_created');
    return reply.code(201).send(view(parcel));
  });

  const parcelOf = (request: FastifyRequest) => parcels.get((request.params as { code: string }).code);

  app.get('/v1/shipments/:code', async (request, reply) => {
    const p = parcelOf(request);
    return p ? view(p) : error(reply, 404, 'no such shipment');
  });

  app.post('/v1/shipments/:code/void', async (request, reply) => {
    const p = parcelOf(request);
    if (!p) return error(reply, 404, 'no such shipment');
    if (p.state === 'cancelled') return view(p);
    if (p.state !== 'label_created') return error(reply, 409, `a parcel that is ${p.state} cannot be voided`);
    move(p, 'cancelled');
    return view(p);
  });

  app.post('/v1/shipments/:code/pickup', async (request, reply) => {
    const p = parcelOf(request);
    if (!p) return error(reply, 404, 'no such shipment');
    if (p.state !== 'label_created')
      return p.state === 'cancelled' ? error(reply, 409, 'the label was voided') : view(p);
    move(p, 'in_transit');
    autoAdvance(p);
    return view(p);
  });

  // Test helper: the next tracking state (or an exception), as the carrier's network would report it.
  app.post('/v1/test_helpers/shipments/:code/advance', async (request, reply) => {
    const p = parcelOf(request);
    if (!p) return error(reply, 404, 'no such shipment');
    const wanted = (request.body as { status?: string } | undefined)?.status;
    const to = wanted === 'exception' ? 'exception' : next(p);
    if (!to || p.state === 'label_created' || p.state === 'cancelled')
      return error(reply, 409, `a parcel that is ${p.state} does not move`);
    move(p, to);
    return view(p);
  });

  app.get('/v1/labels/:code', async (request, reply) => {
    const p = parcelOf(request);
    if (!p) return error(reply, 404, 'no such label');
    return reply
      .type('text/plain; charset=utf-8')
      .send(
        `MERCATO CARRIER SIMULATOR\nTRACKING ${p.trackingCode}\nREF ${p.reference}\nTO ${p.toCountry}\nSERVICE ${p.service}\nWEIGHT ${p.weightGrams} g\n`,
      );
  });

  return {
    async listen(port, host = '127.0.0.1') {
      await app.listen({ port, host });
      const address = app.server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${bound}`;
      return url;
    },
    get url() {
      return url;
    },
    webhooksIdle: () => webhooks.idle(),
    addWebhookEndpoint: (u, secret) => webhooks.addEndpoint(u, secret),
    async close() {
      for (const t of timers) clearTimeout(t);
      webhooks.close();
      await app.close();
    },
  };
}
