// Cart benchmarks in distributed mode (a process per service on PostgreSQL, NATS, Redis) on
// the demo seed: add-to-cart (POST /api/v1/carts/{id}/lines: a catalog lookup, an inventory
// availability call, one locked row update with its outbox event, the Redis write, then the
// revalidated answer) and a cart read with revalidation (GET /api/v1/carts/{id} with 10
// lines: catalog, inventory and discount asked in parallel), through the gateway and
// straight to the cart service. Issue #17's targets: add ≥ 2,500 req/s with p99 ≤ 40 ms,
// read ≥ 4,000 req/s.
// Usage: node bench/cart-scenarios.ts [--duration 10] [--connections 50] [--carts 2000]
// Results and where the time goes: bench/README.md (Cart and discount).
import { serviceManifests } from '@mercato/contracts';
import type autocannon from 'autocannon';
import { parseArgs } from 'node:util';
import { adminHeaders } from './admin-session.ts';
import { benchUrl, measure, measureGets, startBenchPlatform, type ScenarioResult } from './bench-platform.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    carts: { type: 'string', default: '2000' },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const cartCount = Number(values.carts);

const platform = await startBenchPlatform('distributed', { seed: true });
const gateway = benchUrl(8080);
const cart = benchUrl(serviceManifests.cart.port);

async function json<T>(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

// 100 demo SKUs, each counted at 1,000 units in the demo's MAIN warehouse first: a
// distributed start gives the demo's SKUs no stock (INVENTORY_INITIAL_STOCK is the embedded
// demo's), and the shared databases keep what earlier runs left.
const listing = await json<{ items: Array<{ variants: Array<{ sku: string }> }> }>(
  'GET',
  `${gateway}/api/v1/products?pageSize=100`,
);
const skus = listing.items.map((p) => p.variants[0]?.sku).filter((s): s is string => Boolean(s));
const admin = await adminHeaders(gateway);
for (let i = 0; i < skus.length; i += 20) {
  await Promise.all(
    skus.slice(i, i + 20).map((sku) =>
      json(
        'POST',
        `${benchUrl(serviceManifests.inventory.port)}/api/v1/inventory/adjustments`,
        {
          sku,
          warehouseCode: 'MAIN',
          kind: 'count',
          quantity: 1000,
          reason: 'cart benchmark',
        },
        admin,
      ),
    ),
  );
}
const carts: string[] = [];
for (let i = 0; i < cartCount; i += 50) {
  const batch = await Promise.all(
    Array.from({ length: Math.min(50, cartCount - i) }, () =>
      json<{ id: string }>('POST', `${cart}/api/v1/carts`, { country: 'DE' }),
    ),
  );
  carts.push(...batch.map((c) => c.id));
}

// Reads: 200 carts of 10 lines each.
const readCarts = carts.slice(0, 200);
for (const [i, id] of readCarts.entries()) {
  for (let l = 0; l < 10; l++) {
    await json('POST', `${cart}/api/v1/carts/${id}/lines`, { sku: skus[(i + l) % skus.length], quantity: 1 });
  }
}

// Adds: request n goes to cart n % carts with SKU ⌊n / carts⌋ % SKUs, so a (cart, SKU) pair
// repeats only after carts × SKUs requests: no line outgrows the stock counted above, no
// cart its 100 lines, and the rows written are spread as a shop's would be.
let n = 0;
const addLine: autocannon.Request = {
  method: 'POST',
  setupRequest(req) {
    const i = n++;
    const id = carts[200 + (i % (carts.length - 200))];
    const sku = skus[Math.floor(i / (carts.length - 200)) % skus.length];
    return {
      ...req,
      path: `/api/v1/carts/${id}/lines`,
      headers: { ...req.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ sku, quantity: 1 }),
    };
  },
};

const rows: ScenarioResult[] = [];
try {
  for (const [name, base] of [
    ['via gateway', gateway],
    ['direct', cart],
  ] as const) {
    rows.push(
      await measure(`add to cart ${name}`, '/api/v1/carts/{id}/lines', base, [addLine], {
        duration,
        connections,
      }),
    );
    rows.push(
      await measureGets(
        `cart read (10 lines, revalidated) ${name}`,
        base,
        readCarts.map((id) => `/api/v1/carts/${id}`),
        { duration, connections },
      ),
    );
  }
} finally {
  await platform.stop();
}
console.log(JSON.stringify({ connections, durationSeconds: duration, carts: carts.length, rows }, null, 2));
console.table(rows);
process.exit(0);
