// Evaluation throughput of the discount service in distributed mode (one process per
// service on PostgreSQL, NATS and Redis): POST /api/v1/discounts/evaluate of a 10-line cart
// against 200 active automatic promotions (percentages on categories and brands, fixed
// amounts, buy X get Y, free shipping over thresholds), without and with a code, straight to
// the discount service (target, issue #17: ≥ 3,000 evaluations/s); then reserves of the code
// (POST /api/v1/discounts/redemptions, fresh checkout id each), every one updating the same
// promotion row and code row: what the hot row of a limited promotion costs.
// Usage: node bench/discount-evaluate.ts [--duration 10] [--connections 20] [--promotions 200]
import { serviceManifests } from '@mercato/contracts';
import type autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { adminHeaders } from './admin-session.ts';
import {
  benchUrl,
  measure,
  prepareBenchProcess,
  startBenchPlatform,
  type ScenarioResult,
} from './bench-platform.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '20' },
    promotions: { type: 'string', default: '200' },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const promotionCount = Number(values.promotions);
prepareBenchProcess();

// A database of the benchmark's own, emptied first: every run starts from the same promotions.
const server = new URL(process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const benchDb = 'mercato_discount_bench';
{
  const admin = new pg.Client({ connectionString: server.toString() });
  await admin.connect();
  await admin.query(`drop database if exists ${benchDb} with (force)`);
  await admin.end();
}
const discountDb = new URL(server);
discountDb.pathname = `/${benchDb}`;
process.env.DISCOUNT_DATABASE_URL = discountDb.toString();

const platform = await startBenchPlatform('distributed');
const gateway = benchUrl(8080);
const discount = benchUrl(serviceManifests.discount.port);
const admin = await adminHeaders(gateway);

async function post(path: string, body: unknown): Promise<{ id: string }> {
  const res = await fetch(`${discount}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...admin },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string };
}

const categories = Array.from({ length: 20 }, (_, i) => `category-${i}`);
const brands = Array.from({ length: 10 }, () => randomUUID());
const products = Array.from({ length: 50 }, () => randomUUID());
for (let i = 0; i < promotionCount; i++) {
  const common = { name: `Bench ${i}`, trigger: 'automatic', priority: i % 7, currency: 'USD' };
  const kind = i % 10;
  const body =
    kind < 5
      ? {
          ...common,
          kind: 'percentage',
          percentOff: 1 + (i % 15),
          target: { categories: [categories[i % 20]] },
        }
      : kind < 7
        ? {
            ...common,
            kind: 'fixed_amount',
            amountOff: 100 + i,
            minSubtotal: 5000 + 100 * i,
            target: { brands: [brands[i % 10]] },
          }
        : kind < 9
          ? {
              ...common,
              kind: 'buy_x_get_y',
              buyQuantity: 2,
              getQuantity: 1,
              target: { productIds: [products[i % 50]] },
            }
          : { ...common, kind: 'free_shipping', minSubtotal: 2000 + 50 * i };
  await post('/api/v1/discounts/promotions', body);
}
const coded = await post('/api/v1/discounts/promotions', {
  name: 'Bench code',
  kind: 'percentage',
  trigger: 'code',
  percentOff: 10,
  usageLimit: 1_000_000_000,
});
await post(`/api/v1/discounts/promotions/${coded.id}/codes`, { code: 'BENCH10' });

/** A 10-line cart over the promotions' categories, brands and products. */
function cart(codes: string[]): string {
  return JSON.stringify({
    currency: 'USD',
    codes,
    shippingAmount: 495,
    lines: Array.from({ length: 10 }, (_, i) => ({
      lineId: String(i),
      sku: `BENCH-${i}`,
      productId: products[(i * 7) % 50],
      categoryIds: [],
      categoryHandles: [categories[(i * 3) % 20], categories[(i * 5 + 1) % 20]],
      brandId: brands[i % 10],
      unitPrice: 999 + 250 * i,
      quantity: 1 + (i % 3),
    })),
  });
}

function evaluation(body: string): autocannon.Request {
  return {
    method: 'POST',
    path: '/api/v1/discounts/evaluate',
    headers: { 'content-type': 'application/json' },
    body,
  };
}

// Reserves as the checkout saga makes them (fresh checkout id each): a 1-line cart only the
// code applies to (no category, brand or listed product; below every free-shipping
// threshold), so each reserve updates the same two rows — the code's promotion and the code
// (their `uses`, the limits' counters) — the hot row of a limited promotion.
const coldLine = {
  sku: 'BENCH-COLD',
  productId: randomUUID(),
  categoryIds: [],
  brandId: null,
  unitPrice: 1000,
  quantity: 1,
};
const reserve: autocannon.Request = {
  method: 'POST',
  path: '/api/v1/discounts/redemptions',
  setupRequest(req) {
    return {
      ...req,
      headers: { ...req.headers, 'content-type': 'application/json', ...admin },
      body: JSON.stringify({
        checkoutId: randomUUID(),
        currency: 'USD',
        codes: ['BENCH10'],
        lines: [coldLine],
      }),
    };
  },
};

const rows: ScenarioResult[] = [];
try {
  rows.push(
    await measure(
      `10 lines, ${promotionCount} automatic, direct`,
      '/api/v1/discounts/evaluate',
      discount,
      [evaluation(cart([]))],
      {
        duration,
        connections,
      },
    ),
  );
  rows.push(
    await measure(
      `10 lines, ${promotionCount} automatic + a code, direct`,
      '/api/v1/discounts/evaluate',
      discount,
      [evaluation(cart(['bench10']))],
      { duration, connections },
    ),
  );
  rows.push(
    await measure(
      'reserve with the code (one hot promotion row), direct',
      '/api/v1/discounts/redemptions',
      discount,
      [reserve],
      { duration, connections },
    ),
  );
} finally {
  await platform.stop();
}
console.log(
  JSON.stringify({ connections, durationSeconds: duration, promotions: promotionCount, rows }, null, 2),
);
console.table(rows);
process.exit(0);
