// Checkout benchmark (issue #20) in distributed mode (a process per service on PostgreSQL,
// NATS, Redis; the PSP simulator as the launcher starts it), through the gateway. Before
// timing: 20 demo SKUs counted up to 1,000,000 units each, then one guest cart per checkout
// with a line of one of them, and a card token per checkout from the simulator (a test card
// without 3-D Secure). Timed: `--connections` buyers, each checking out one prepared cart
// after the other — POST /api/v1/checkout, then (when it answers 202) GET until confirmed or
// failed — for `--duration` s after a warm-up of 100 checkouts. Issue #20's target: ≥ 200
// confirmed orders/s with 50 concurrent buyers and p99 ≤ 300 ms.
// Usage: npm run bench:checkout -- [--duration 10] [--connections 50] [--carts 3000]
import { serviceManifests } from '@mercato/contracts';
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { adminHeaders } from './admin-session.ts';
import { benchUrl, BENCH_PORT_OFFSET, startBenchPlatform } from './bench-platform.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    carts: { type: 'string', default: '3000' },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const cartCount = Number(values.carts);
const WARM_UP = 100;

// Every checkout is a guest's from one IP: the fraud check's velocity limit is raised so it
// allows them all, and the simulator sends each webhook once.
process.env.PAYMENT_RISK_VELOCITY_LIMIT = '10000';
process.env.PAYMENT_RISK_VELOCITY_WINDOW_S = '60';
process.env.PSP_DUPLICATE_RATE = '0';
// Identity on a database of its own: identity registers checkout's service account with a
// secret made per start, and another benchmark's identity on the shared one would replace it.
const identityDb = new URL(process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
identityDb.pathname = '/mercato_identity_checkout_bench';
process.env.IDENTITY_DATABASE_URL ??= identityDb.toString();
const platform = await startBenchPlatform('distributed', { seed: true });
const gateway = benchUrl(8080);
const psp = `http://127.0.0.1:${8190 + BENCH_PORT_OFFSET}`;
const pool = new Pool(gateway, { connections: connections + 10 });

interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the benchmark reads a few fields of JSON answers
  body: any;
}

async function call(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await pool.request({
    method,
    path,
    headers: { ...headers, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: text ? JSON.parse(text) : null };
}

function ok(a: Answer, what: string): Answer['body'] {
  if (a.status >= 300) throw new Error(`${what}: ${a.status} ${JSON.stringify(a.body)}`);
  return a.body;
}

/** Runs `fn` for 0..n-1, `width` at a time. */
async function inParallel<T>(n: number, width: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array<T>(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, n) }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}

interface Prepared {
  body: Record<string, unknown>;
}

/** 20 SKUs with plenty of stock, one cart per checkout with a line of one of them, a token each. */
async function prepare(admin: { authorization: string }): Promise<Prepared[]> {
  const listing = ok(await call('GET', '/api/v1/products?pageSize=20&page=3&view=full'), 'products');
  const skus: string[] = listing.items.map((p: { variants: Array<{ sku: string }> }) => p.variants[0]!.sku);
  for (const sku of skus) {
    // On fresh databases inventory makes its stock items from catalog's events as they arrive.
    let stock = await call('GET', `/api/v1/inventory/sku/${sku}`, undefined, admin);
    for (const until = Date.now() + 180_000; stock.status === 404 && Date.now() < until;) {
      await new Promise((r) => setTimeout(r, 500));
      stock = await call('GET', `/api/v1/inventory/sku/${sku}`, undefined, admin);
    }
    const item = ok(stock, `stock of ${sku}`);
    ok(
      await call(
        'POST',
        '/api/v1/inventory/adjustments',
        { sku, warehouseCode: item.warehouses[0].warehouseCode, kind: 'count', quantity: 1_000_000 },
        admin,
      ),
      'stock count',
    );
  }
  return inParallel(cartCount, 40, async (i) => {
    const cart = ok(await call('POST', '/api/v1/carts', { country: 'US' }), 'cart');
    ok(
      await call('POST', `/api/v1/carts/${cart.id}/lines`, { sku: skus[i % skus.length], quantity: 1 }),
      'line',
    );
    const tok = await fetch(`${psp}/v1/tokens`, {
      method: 'POST',
      headers: { authorization: 'Bearer pk_test_mercato_simulator', 'content-type': 'application/json' },
      body: JSON.stringify({
        card: { number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123' },
      }),
    });
    const { id: token } = (await tok.json()) as { id: string };
    return {
      body: {
        cartId: cart.id,
        email: `buyer-${i}@example.com`,
        shippingAddress: {
          name: 'Ada Lovelace',
          line1: '1 Main St',
          city: 'Springfield',
          postalCode: '12345',
          country: 'US',
        },
        shippingMethod: 'standard',
        payment: { token },
      },
    };
  });
}

/** One whole checkout: POST, then GET every 10 ms until it ended. */
async function checkout(p: Prepared): Promise<{ status: string; code?: string; polls: number }> {
  let a = await call('POST', '/api/v1/checkout', p.body, { 'idempotency-key': randomUUID() });
  let polls = 0;
  if (a.status >= 400) return { status: `http ${a.status}`, code: a.body?.code, polls };
  const until = Date.now() + 60_000;
  while (!['confirmed', 'failed', 'requires_action', 'stuck'].includes(a.body.status)) {
    if (Date.now() > until) return { status: `still ${a.body.status as string} after 60 s`, polls };
    await new Promise((r) => setTimeout(r, 10));
    a = await call('GET', `/api/v1/checkout/${a.body.checkoutId}`);
    polls++;
  }
  return { status: a.body.status, code: a.body.failure?.code, polls };
}

/** Mean duration of each saga step (the checkout service's metrics), to see where the time goes. */
async function stepMeans(): Promise<Record<string, number>> {
  const text = await (await fetch(`${benchUrl(serviceManifests.checkout.port)}/metrics`)).text();
  const sums = new Map<string, number>();
  const counts = new Map<string, number>();
  for (const m of text.matchAll(/^saga_step_duration_seconds_(sum|count)\{([^}]*)\} (\S+)$/gm)) {
    const labels = m[2]!;
    const step = /step="([^"]+)"/.exec(labels)?.[1] ?? '?';
    const phase = /phase="([^"]+)"/.exec(labels)?.[1] ?? '?';
    (m[1] === 'sum' ? sums : counts).set(`${step} ${phase}`, Number(m[3]));
  }
  return Object.fromEntries(
    [...sums].map(([k, v]) => [k, Math.round((v / (counts.get(k) || 1)) * 10_000) / 10]),
  );
}

try {
  const admin = await adminHeaders(gateway);
  const t0 = Date.now();
  const carts = await prepare(admin);
  console.error(`prepared ${carts.length} carts in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  let next = 0;
  await inParallel(Math.min(WARM_UP, carts.length), connections, async () => checkout(carts[next++]!));

  const latencies: number[] = [];
  const outcomes = new Map<string, number>();
  let polled = 0;
  const started = performance.now();
  const deadline = started + duration * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline && next < carts.length) {
        const p = carts[next++]!;
        const t = performance.now();
        const r = await checkout(p);
        const key = r.code ? `${r.status} ${r.code}` : r.status;
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
        if (r.status === 'confirmed') latencies.push(performance.now() - t);
        if (r.polls > 0) polled++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((x, y) => x - y);
  const at = (q: number) => Math.round(latencies[Math.floor(q * (latencies.length - 1))] ?? 0);
  console.log(
    JSON.stringify(
      {
        connections,
        seconds: Math.round(elapsed * 10) / 10,
        carts: carts.length,
        confirmed: latencies.length,
        confirmedPerSec: Math.round(latencies.length / elapsed),
        p50: at(0.5),
        p90: at(0.9),
        p99: at(0.99),
        max: at(1),
        outcomes: Object.fromEntries(outcomes),
        answeredAfterPolling: polled,
        meanStepMs: await stepMeans(),
        loadavg: loadavg().map((l) => l.toFixed(2)),
      },
      null,
      2,
    ),
  );
} finally {
  await pool.close();
  await platform.stop();
}
process.exit(0);
