// Relay throughput to NATS JetStream: fills a service's outbox on PostgreSQL with N events
// (in committed transactions of 500), then measures how fast the relay publishes them all
// (each acknowledged by JetStream, then deleted from the outbox).
// Usage: node bench/relay-throughput.ts [events=100000]
import { createDatabase, ensurePgDatabase, migrate, platformMigrations, sql } from '@mercato/platform/db';
import { createLogger } from '@mercato/platform/logging';
import { createNatsBus, createOutbox, createRelay } from '@mercato/platform/messaging';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

const total = Number(process.argv[2] ?? 100_000);
const pgUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/mercato_bench';
const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const domain = `benchrelay${Date.now().toString(36)}`;

await ensurePgDatabase(pgUrl);
const database = createDatabase({ kind: 'pg', url: pgUrl, poolMax: 4 }, 'relay_bench');
await sql`drop schema if exists relay_bench cascade`.execute(database.db);
await migrate(database, await platformMigrations());
const outbox = createOutbox<string>({ checkSchemas: false, source: 'bench', schema: 'relay_bench' });

const fillStart = performance.now();
for (let i = 0; i < total; i += 500) {
  const n = Math.min(500, total - i);
  await database.transaction((trx) =>
    outbox.addMany(
      trx,
      Array.from({ length: n }, (_, j) => ({
        type: `${domain}.happened`,
        subject: `s-${i + j}`,
        data: { n: i + j, sku: `SKU-${(i + j) % 1000}`, quantity: 1 },
      })),
    ),
  );
}
const fillMs = performance.now() - fillStart;

const logger = createLogger({ service: 'bench', level: 'warn' });
const bus = await createNatsBus({ servers: natsUrl, name: 'relay-bench', logger });
const relay = createRelay(database, bus, { logger });
const start = performance.now();
const published = await relay.drain();
const ms = performance.now() - start;

const nc = await connect({ servers: natsUrl });
const jsm = await jetstreamManager(nc);
const info = await jsm.streams.info(domain.toUpperCase());
await jsm.streams.delete(domain.toUpperCase());
await nc.close();

const result = {
  scenario: 'relay → JetStream',
  events: total,
  published,
  storedInStream: info.state.messages,
  seconds: +(ms / 1000).toFixed(2),
  eventsPerSecond: Math.round((published / ms) * 1000),
  fillEventsPerSecond: Math.round((total / fillMs) * 1000),
};
console.log(JSON.stringify(result, null, 2));
await bus.close();
await sql`drop schema if exists relay_bench cascade`.execute(database.db);
await database.close();
