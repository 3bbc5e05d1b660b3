// Notification email throughput: N messages rendered from their template and queued (in
// transactions of 100, as consumers would), then handed by the dispatcher to a local SMTP
// server (smtp-server, counting only) over nodemailer's pooled connections. Reports both
// rates and the p50/p99 of the SMTP hand-off per message (delivery_attempts.duration_ms).
// Target (issue #16): ≥ 500 emails/s rendered and handed over. Figures: bench/README.md.
// Usage: npm run bench:notification -- [emails=5000] [concurrency=16]
import { notificationService } from '@mercato/notification';
import { createMemoryCache } from '@mercato/platform/cache';
import { ensurePgDatabase, sql } from '@mercato/platform/db';
import { newId } from '@mercato/platform/ids';
import { createLogger } from '@mercato/platform/logging';
import { createMemoryBus } from '@mercato/platform/messaging';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

const total = Number(process.argv[2] ?? 5000);
const concurrency = Number(process.argv[3] ?? 16);
const pgUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/mercato_bench';
const schema = 'notification_bench';

let received = 0;
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  closeTimeout: 100,
  onData(stream, _session, callback) {
    stream.resume();
    stream.on('end', () => {
      received++;
      callback();
    });
  },
});
await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
const smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;

await ensurePgDatabase(pgUrl);
const bus = createMemoryBus();
const runtime = await notificationService.build({
  database: { kind: 'pg', url: pgUrl, poolMax: 8 },
  schema,
  bus,
  cache: createMemoryCache({ namespace: schema }),
  logger: createLogger({ service: 'notification-bench', level: 'warn' }),
  env: {
    ...process.env,
    SMTP_URL: smtpUrl,
    NOTIFICATION_SIGNING_SECRET: 'bench-secret-bench-secret-bench-secret!',
    NOTIFICATION_SEND_CONCURRENCY: String(concurrency),
    NOTIFICATION_DISPATCH_BATCH: '500',
    NOTIFICATION_RATE_LIMIT: '100000',
    NOTIFICATION_DISPATCH_INTERVAL_MS: '60000',
  },
});
const db = runtime.ctx.database;
await sql`truncate ${sql.id(schema, 'messages')} cascade`.execute(db.db);

const queueStart = performance.now();
for (let i = 0; i < total; i += 100) {
  const n = Math.min(100, total - i);
  await db.transaction(async (trx) => {
    for (let j = 0; j < n; j++) {
      const k = i + j;
      await runtime.parts.messages.enqueue(trx, {
        type: 'low_stock',
        channel: 'email',
        to: `ops${k % 500}@bench.test`,
        data: { sku: `SKU-${k}`, warehouseCode: 'MAIN', available: k % 5, threshold: 5 },
        dedupeKey: `bench:${newId()}`,
      });
    }
  });
}
const queueMs = performance.now() - queueStart;

const sendStart = performance.now();
let sent = 0;
for (;;) {
  const r = await runtime.parts.dispatcher.runOnce();
  sent += r.sent;
  if (r.claimed === 0) break;
}
const sendMs = performance.now() - sendStart;

const durations = (
  await db.db.selectFrom('delivery_attempts').select('duration_ms').where('outcome', '=', 'sent').execute()
)
  .map((r) => r.duration_ms)
  .sort((a, b) => a - b);
const pct = (p: number) =>
  durations[Math.min(durations.length - 1, Math.floor((p / 100) * durations.length))] ?? 0;

console.log(
  JSON.stringify(
    {
      emails: total,
      concurrency,
      renderedAndQueuedPerSecond: Math.round(total / (queueMs / 1000)),
      handedToSmtpPerSecond: Math.round(sent / (sendMs / 1000)),
      endToEndPerSecond: Math.round(sent / ((queueMs + sendMs) / 1000)),
      smtpHandOffMs: { p50: pct(50), p99: pct(99) },
      sent,
      receivedBySmtpServer: received,
    },
    null,
    2,
  ),
);

await runtime.close();
await bus.close();
await new Promise<void>((resolve) => smtp.close(() => resolve()));
