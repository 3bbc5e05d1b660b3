// Order creation benchmark in distributed mode (a process per service on PostgreSQL, NATS,
// Redis): POST /api/v1/orders as the checkout saga does (a client-credentials token with
// orders:write), two lines with a discount and tax, a fresh checkout id per request — one
// transaction of an order row, its lines, a history row and the order.created outbox event.
// Straight to the order service (the saga calls it directly, not through the gateway).
// Issue #18's target: ≥ 1,500 orders/s.
// Usage: node bench/order-create.ts [--duration 10] [--connections 50]
// (written, not run on the shared development machine; record results in bench/README.md.)
import { serviceManifests } from '@mercato/contracts';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { adminHeaders } from './admin-session.ts';
import { benchUrl, measure, startBenchPlatform } from './bench-platform.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
  },
});
const load = { duration: Number(values.duration), connections: Number(values.connections) };

const platform = await startBenchPlatform('distributed');
const gateway = benchUrl(8080);
const order = benchUrl(serviceManifests.order.port);

// A service account for the saga's role, and its client-credentials token.
const admin = await adminHeaders(gateway);
const clientId = `bench-checkout-${randomUUID().slice(0, 8)}`;
const created = await fetch(`${gateway}/api/v1/oauth/clients`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', ...admin },
  body: JSON.stringify({ clientId, name: 'Order bench', scopes: ['orders:write'] }),
});
if (created.status !== 201) throw new Error(`client: ${created.status} ${await created.text()}`);
const { clientSecret } = (await created.json()) as { clientSecret: string };
const tokenRes = await fetch(`${gateway}/api/v1/oauth/token`, {
  method: 'POST',
  headers: {
    'content-type': 'application/x-www-form-urlencoded',
    authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
  },
  body: 'grant_type=client_credentials&scope=orders%3Awrite',
});
if (tokenRes.status !== 200) throw new Error(`token: ${tokenRes.status} ${await tokenRes.text()}`);
const { access_token: token } = (await tokenRes.json()) as { access_token: string };

const body = (checkoutId: string) =>
  JSON.stringify({
    checkoutId,
    email: 'bench@example.com',
    currency: 'USD',
    lines: [
      {
        sku: 'OCT-M',
        title: 'Octopus tee, M',
        quantity: 2,
        unitPrice: { amount: 1500, currency: 'USD' },
        discounts: [{ code: 'TEN', amount: 300 }],
        tax: { amount: 216, currency: 'USD' },
      },
      { sku: 'MUG-1', title: 'Mug', quantity: 1, unitPrice: { amount: 900, currency: 'USD' } },
    ],
    shippingAddress: {
      name: 'Bench Buyer',
      line1: '1 Main St',
      city: 'Springfield',
      postalCode: '12345',
      country: 'US',
    },
    shippingMethod: { code: 'standard', name: 'Standard', cost: { amount: 500, currency: 'USD' } },
  });

try {
  const result = await measure(
    'order create (direct)',
    '/api/v1/orders',
    order,
    [
      {
        method: 'POST',
        path: '/api/v1/orders',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        // A fresh checkout per request: every one creates an order (a repeat would answer 200).
        setupRequest: (req) => ({ ...req, body: body(`bench-${randomUUID()}`) }),
      },
    ],
    load,
  );
  console.table([result]);
} finally {
  await platform.stop();
}
