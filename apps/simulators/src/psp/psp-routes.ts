import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { challengeDonePage, challengePage } from './challenge-page.ts';
import { PspError, type PspCore } from './psp-core.ts';
import type { WebhookSender } from './webhooks.ts';

type Body = Record<string, unknown>;

/** `a[b][c]=v` form fields as nested objects (Stripe's form encoding). */
function formToObject(text: string): Body {
  const out: Body = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const path = key.split(/[[\]]+/).filter(Boolean);
    let node = out;
    path.forEach((part, i) => {
      if (i === path.length - 1) node[part] = value;
      else node = (node[part] ??= {}) as Body;
    });
  }
  return out;
}

/**
 * The PSP's HTTP API, Stripe-shaped: `Authorization: Bearer <secret key>` (the tokenization
 * endpoint also takes the publishable key, from a browser, with CORS), JSON or form bodies,
 * `Idempotency-Key` on every POST (same key and body: the first answer again; another body: 400).
 */
export function registerPspRoutes(
  app: FastifyInstance,
  core: PspCore,
  webhooks: WebhookSender,
  keys: { secretKey: string; publishableKey: string },
): void {
  const stored = new Map<string, { fingerprint: string; status: number; body: unknown }>();
  /**
   * Connections the PSP drops (test mode): the next `count` POSTs to a path are cut off —
   * `request`: before the PSP does anything, `answer`: after it did the work. Either way the
   * merchant gets no answer and cannot know which happened.
   */
  const drops = new Map<string, { count: number; lose: 'request' | 'answer' }>();
  function dropped(request: FastifyRequest, reply: FastifyReply, when: 'request' | 'answer'): boolean {
    const d = drops.get(request.url);
    if (!d || d.lose !== when || d.count < 1) return false;
    d.count -= 1;
    reply.hijack();
    request.raw.socket.destroy();
    return true;
  }

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, formToObject(body as string)),
  );

  function keyOf(request: FastifyRequest): string | undefined {
    const h = request.headers.authorization ?? '';
    if (h.startsWith('Bearer ')) return h.slice(7);
    if (h.startsWith('Basic ')) return Buffer.from(h.slice(6), 'base64').toString('utf8').split(':')[0];
    return undefined;
  }

  function authorized(request: FastifyRequest, publishable = false): string {
    const key = keyOf(request);
    if (key === keys.secretKey || (publishable && key === keys.publishableKey)) return key;
    throw new PspError(401, 'invalid_request_error', 'api_key_invalid', 'Invalid API Key provided.');
  }

  /** A POST handler with idempotency by (API key, Idempotency-Key). */
  function post(
    url: string,
    run: (request: FastifyRequest) => unknown,
    opts: { publishable?: boolean; status?: number } = {},
  ): void {
    app.post(url, async (request, reply) => {
      const apiKey = authorized(request, opts.publishable);
      if (dropped(request, reply, 'request')) return reply;
      const raw = request.headers['idempotency-key'];
      const idemKey = Array.isArray(raw) ? raw[0] : raw;
      const fingerprint = createHash('sha256')
        .update(`${request.url}\n${JSON.stringify(request.body ?? null)}`)
        .digest('hex');
      const slot = idemKey === undefined ? undefined : `${apiKey}\n${idemKey}`;
      if (slot !== undefined) {
        const prior = stored.get(slot);
        if (prior) {
          if (prior.fingerprint !== fingerprint) {
            throw new PspError(
              400,
              'idempotency_error',
              'idempotency_key_in_use',
              'Keys for idempotent requests can only be used with the same parameters they were first used with.',
            );
          }
          return reply.code(prior.status).header('idempotent-replayed', 'true').send(prior.body);
        }
      }
      let status = opts.status ?? 200;
      let body: unknown;
      try {
        body = run(request);
      } catch (err) {
        if (!(err instanceof PspError)) throw err;
        status = err.status;
        body = err.body();
      }
      // Answers to a request's parameters are kept (declines too), as a PSP does; 5xx are not.
      if (slot !== undefined && status < 500) stored.set(slot, { fingerprint, status, body });
      if (dropped(request, reply, 'answer')) return reply;
      return reply.code(status).send(body);
    });
  }

  app.setErrorHandler((err, _request, reply) => {
    if (err instanceof PspError) return reply.code(err.status).send(err.body());
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    return reply.code(status).send({
      error: { type: status < 500 ? 'invalid_request_error' : 'api_error', message: (err as Error).message },
    });
  });

  const cors = (reply: FastifyReply) =>
    reply
      .header('access-control-allow-origin', '*')
      .header('access-control-allow-headers', 'authorization, content-type, idempotency-key')
      .header('access-control-allow-methods', 'POST, OPTIONS');
  app.options('/v1/tokens', async (_request, reply) => cors(reply).code(204).send());
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.url.startsWith('/v1/tokens')) cors(reply);
    return payload;
  });

  const body = (request: FastifyRequest) => (request.body ?? {}) as Body;
  const param = (request: FastifyRequest, name: string) =>
    (request.params as Record<string, string>)[name] ?? '';

  post('/v1/tokens', (r) => core.createToken((body(r).card ?? {}) as Body), { publishable: true });
  post('/v1/payment_methods', (r) => core.createPaymentMethod(String(body(r).token ?? '')));
  post('/v1/payment_methods/:id/detach', (r) => core.detachPaymentMethod(param(r, 'id')));
  post('/v1/payment_intents', (r) => core.createIntent(body(r)));
  post('/v1/payment_intents/:id/capture', (r) => core.capture(param(r, 'id'), body(r)));
  post('/v1/payment_intents/:id/cancel', (r) => core.cancel(param(r, 'id')));
  post('/v1/refunds', (r) => core.createRefund(body(r)));
  app.get('/v1/tokens/:id', async (r) => {
    authorized(r);
    return core.getToken(param(r, 'id'));
  });
  app.get('/v1/payment_intents/:id', async (r) => {
    authorized(r);
    return core.getIntent(param(r, 'id'));
  });

  post('/v1/webhook_endpoints', (r) => {
    const url = String(body(r).url ?? '');
    if (!/^https?:\/\//.test(url)) {
      throw new PspError(400, 'invalid_request_error', 'url_invalid', 'Invalid URL', { param: 'url' });
    }
    const secret = body(r).secret;
    return {
      object: 'webhook_endpoint',
      ...webhooks.addEndpoint(url, typeof secret === 'string' ? secret : undefined),
    };
  });
  app.get('/v1/events/:id', async (r) => {
    authorized(r);
    const event = core.events.get(param(r, 'id'));
    if (!event) throw new PspError(404, 'invalid_request_error', 'resource_missing', 'No such event');
    return event;
  });
  // Test mode helpers: redeliver an event now (a late duplicate), see every delivery attempt.
  post('/v1/test_helpers/events/:id/resend', (r) => {
    const event = core.events.get(param(r, 'id'));
    if (!event) throw new PspError(404, 'invalid_request_error', 'resource_missing', 'No such event');
    webhooks.resend(event);
    return { id: event.id, resent: true };
  });
  post('/v1/test_helpers/dropped_connections', (r) => {
    const b = body(r);
    const path = String(b.path ?? '');
    const count = Number(b.count ?? 1);
    const lose = b.lose === 'answer' ? 'answer' : 'request';
    if (!path.startsWith('/v1/') || !Number.isInteger(count) || count < 0) {
      throw new PspError(400, 'invalid_request_error', 'parameter_invalid', 'path (/v1/…) and count ≥ 0');
    }
    drops.set(path, { count, lose });
    return { path, count, lose };
  });
  app.get('/v1/test_helpers/webhook_deliveries', async (r) => {
    authorized(r);
    return { data: webhooks.deliveries };
  });

  // The 3-D Secure challenge, in the buyer's browser (no API key: the URL carries its secret).
  app.get('/3ds/:id', async (r, reply) => {
    const secret = String((r.query as Body).secret ?? '');
    const c = core.challengeOf(param(r, 'id'), secret);
    if (!c) return reply.code(404).type('text/html').send('<h1>Unknown challenge</h1>');
    return reply.type('text/html; charset=utf-8').send(
      challengePage({
        intentId: param(r, 'id'),
        secret,
        amount: c.amount,
        currency: c.currency,
        last4: c.last4,
        status: c.status,
      }),
    );
  });
  for (const decision of ['approve', 'reject'] as const) {
    app.post(`/3ds/:id/${decision}`, async (r, reply) => {
      const secret = String(body(r).secret ?? '');
      const pi = core.decideChallenge(param(r, 'id'), secret, decision === 'approve');
      const c = core.challengeOf(param(r, 'id'), secret);
      if (c?.returnUrl) {
        const back = new URL(c.returnUrl);
        back.searchParams.set('payment_intent', pi.id);
        back.searchParams.set('status', pi.status);
        return reply.redirect(back.toString(), 303);
      }
      return reply.type('text/html; charset=utf-8').send(challengeDonePage(pi.status));
    });
  }
  app.get('/health', async () => ({ status: 'ok' }));
}
