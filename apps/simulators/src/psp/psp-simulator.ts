import Fastify from 'fastify';
import { createPspCore } from './psp-core.ts';
import { registerPspRoutes } from './psp-routes.ts';
import { seededRandom } from './random.ts';
import { createWebhookSender } from './webhooks.ts';

export interface PspSimulatorOptions {
  /** The merchant's secret API key (server to server). */
  secretKey: string;
  /** The publishable key (the browser's, for tokenization only). */
  publishableKey: string;
  /** A webhook endpoint known from the start (more: POST /v1/webhook_endpoints). */
  webhook?: { url: string; secret: string };
  /** Seeds webhook duplicates and delays: the same seed, the same deliveries. */
  seed?: number;
  /** Chance an event is delivered twice (default 0.1). */
  duplicateRate?: number;
  /** A first delivery waits a random 0..maxDelayMs, so events may arrive out of order (default 250). */
  maxDelayMs?: number;
  /** Delivery attempts before giving up (default 8). */
  maxAttempts?: number;
  /** First retry's wait in ms, doubled each time (default 500). */
  retryBaseMs?: number;
  /** How long a processing (4000000000000077) payment waits before it is authorized (default 2000). */
  asyncDelayMs?: number;
  /** Base URL the buyer's browser reaches the simulator at (3-D Secure links); default its listen address. */
  publicUrl?: string;
  now?: () => number;
}

export interface PspSimulator {
  /** Listens; resolves with its base URL. */
  listen(port: number, host?: string): Promise<string>;
  /** Base URL once listening. */
  readonly url: string;
  /** Resolves when no webhook delivery is pending. */
  webhooksIdle(): Promise<void>;
  addWebhookEndpoint(url: string, secret?: string): { id: string; url: string; secret: string };
  close(): Promise<void>;
}

/**
 * A payment service provider stand-in with a Stripe-shaped API (apps/simulators/README.md):
 * card tokens, payment intents with manual capture, refunds, 3-D Secure challenge pages,
 * and HMAC-signed webhooks delivered with retries, duplicates and reordering.
 */
export function createPspSimulator(opts: PspSimulatorOptions): PspSimulator {
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  let url = opts.publicUrl ?? '';
  const webhooks = createWebhookSender(
    seededRandom(opts.seed ?? Date.now()),
    {
      duplicateRate: opts.duplicateRate ?? 0.1,
      maxDelayMs: opts.maxDelayMs ?? 250,
      maxAttempts: opts.maxAttempts ?? 8,
      retryBaseMs: opts.retryBaseMs ?? 500,
      timeoutMs: 5000,
    },
    opts.now,
  );
  if (opts.webhook) webhooks.addEndpoint(opts.webhook.url, opts.webhook.secret);
  const core = createPspCore(webhooks, {
    publicUrl: () => url,
    asyncDelayMs: opts.asyncDelayMs ?? 2000,
    now: opts.now,
  });
  registerPspRoutes(app, core, webhooks, { secretKey: opts.secretKey, publishableKey: opts.publishableKey });

  return {
    async listen(port, host = '127.0.0.1') {
      await app.listen({ port, host });
      const address = app.server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      if (!opts.publicUrl) url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${bound}`;
      return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${bound}`;
    },
    get url() {
      return url;
    },
    webhooksIdle: () => webhooks.idle(),
    addWebhookEndpoint: (u, secret) => webhooks.addEndpoint(u, secret),
    async close() {
      core.close();
      webhooks.close();
      await app.close();
    },
  };
}
