// Shipping quote benchmark in distributed mode on the demo seed (three zones, six methods):
// POST /api/v1/shipping/quotes for a 10-line basket, cycling through destinations of every
// zone and one no zone serves, through the gateway and straight to the shipping service.
// Issue #19's target: a quote for a 10-line cart ≥ 3,000/s.
// Usage: node bench/shipping-quotes.ts [--duration 10] [--connections 50]
import { serviceManifests } from '@mercato/contracts';
import type autocannon from 'autocannon';
import { benchArgs, benchUrl, measure, startBenchPlatform, type ScenarioResult } from './bench-platform.ts';

const { duration, connections } = benchArgs();
const platform = await startBenchPlatform('distributed', { seed: true });
const gateway = benchUrl(8080);
const shipping = benchUrl(serviceManifests.shipping.port);

const countries = ['US', 'CA', 'DE', 'FR', 'GB', 'JP'];
const lines = Array.from({ length: 10 }, (_, i) => ({
  sku: `BENCH-${i}`,
  quantity: 1 + (i % 3),
  weightGrams: 150 + i * 40,
}));
let n = 0;
const quote: autocannon.Request = {
  method: 'POST',
  setupRequest(req) {
    const country = countries[n++ % countries.length];
    return {
      ...req,
      path: '/api/v1/shipping/quotes',
      headers: { ...req.headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        destination: { country },
        currency: 'USD',
        subtotal: 5000 + (n % 100) * 100,
        lines,
      }),
    };
  },
};

const rows: ScenarioResult[] = [];
try {
  for (const [name, base] of [
    ['via gateway', gateway],
    ['direct', shipping],
  ] as const) {
    rows.push(
      await measure(`quote (10 lines) ${name}`, '/api/v1/shipping/quotes', base, [quote], {
        duration,
        connections,
      }),
    );
  }
} finally {
  await platform.stop();
}
console.log(JSON.stringify({ connections, durationSeconds: duration, rows }, null, 2));
console.table(rows);
process.exit(0);
