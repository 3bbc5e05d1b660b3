// Reservation throughput of the inventory service in distributed mode (one process per
// service on PostgreSQL, NATS and Redis): POST /api/v1/inventory/reservations, each request
// with its own Idempotency-Key, for one hot SKU and spread over 1,000 SKUs, straight to the
// inventory service and through the gateway.
// Usage: node bench/inventory-reservations.ts [--duration 10] [--connections 20] [--skus 1000]
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
    skus: { type: 'string', default: '1000' },
    // Runs only the scenarios whose name contains this text (e.g. "direct", "1000 SKUs").
    only: { type: 'string', default: '' },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const spreadCount = Number(values.skus);
prepareBenchProcess();

// A database of the benchmark's own, emptied first: every run starts from the same data.
const server = new URL(process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const benchDb = 'mercato_inventory_bench';
{
  const admin = new pg.Client({ connectionString: server.toString() });
  await admin.connect();
  await admin.query(`drop database if exists ${benchDb} with (force)`);
  await admin.end();
}
const inventoryDb = new URL(server);
inventoryDb.pathname = `/${benchDb}`;
process.env.INVENTORY_DATABASE_URL = inventoryDb.toString();

const platform = await startBenchPlatform('distributed');
const gateway = benchUrl(8080);
const inventory = benchUrl(serviceManifests.inventory.port);
const admin = await adminHeaders(gateway);

async function call(method: string, url: string, body: unknown): Promise<void> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...admin },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
}

const HOT = 'BENCH-HOT';
const spread = Array.from({ length: spreadCount }, (_, i) => `BENCH-${String(i).padStart(4, '0')}`);
await call('POST', `${inventory}/api/v1/inventory/warehouses`, {
  code: 'BENCH',
  name: 'Benchmark',
  priority: 1,
});
await call('POST', `${inventory}/api/v1/inventory/adjustments`, {
  sku: HOT,
  warehouseCode: 'BENCH',
  kind: 'restock',
  quantity: 10_000_000,
});
for (let i = 0; i < spread.length; i += 20) {
  await Promise.all(
    spread.slice(i, i + 20).map((sku) =>
      call('POST', `${inventory}/api/v1/inventory/adjustments`, {
        sku,
        warehouseCode: 'BENCH',
        kind: 'restock',
        quantity: 1_000_000,
      }),
    ),
  );
}

function reservation(skus: string[]): autocannon.Request {
  return {
    method: 'POST',
    path: '/api/v1/inventory/reservations',
    setupRequest(req) {
      const sku = skus[Math.floor(Math.random() * skus.length)];
      return {
        ...req,
        headers: {
          ...req.headers,
          ...admin,
          'content-type': 'application/json',
          'idempotency-key': randomUUID(),
        },
        body: JSON.stringify({ reference: 'bench', lines: [{ sku, quantity: 1 }] }),
      };
    },
  };
}

const scenarios: Array<[string, string, string[]]> = [
  ['hot SKU, direct to inventory', inventory, [HOT]],
  [`${spreadCount} SKUs, direct to inventory`, inventory, spread],
  ['hot SKU, via gateway', gateway, [HOT]],
  [`${spreadCount} SKUs, via gateway`, gateway, spread],
];

const rows: ScenarioResult[] = [];
try {
  for (const [scenario, base, skus] of scenarios) {
    if (!scenario.includes(values.only)) continue;
    rows.push(
      await measure(scenario, '/api/v1/inventory/reservations', base, [reservation(skus)], {
        duration,
        connections,
      }),
    );
  }
} finally {
  await platform.stop();
}
console.log(JSON.stringify({ connections, durationSeconds: duration, skus: spreadCount, rows }, null, 2));
console.table(rows);
process.exit(0);
