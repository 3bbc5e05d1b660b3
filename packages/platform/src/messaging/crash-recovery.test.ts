import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import {
  captureLogger,
  dropSchema,
  needs,
  testPgUrl,
  testTarget,
  uniqueSchema,
  waitFor,
} from '@mercato/testing';
import { createDatabase, openPGlite, type DatabaseTarget } from '../db/database.ts';
import {
  busKinds,
  dbKinds,
  deleteStreams,
  openBus,
  outboxCount,
  record,
  runDomain,
  suiteOptions,
} from './fixtures/harness.ts';
import { createRelay } from './relay.ts';

const CHILD = fileURLToPath(new URL('./fixtures/crash-child.ts', import.meta.url));
const COUNT = 10;
const run = runDomain('cr');
const domains: string[] = [];
const { logger } = captureLogger('crash-test');

after(async () => {
  if (!(await needs('nats')).skip) await deleteStreams(domains);
});

/** Runs the child until it reports its commits, then SIGKILLs it. Returns the committed ids. */
async function commitThenKill(cfg: Record<string, unknown>): Promise<string[]> {
  const child = spawn(process.execPath, [CHILD, JSON.stringify(cfg)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const committed = await new Promise<string[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child reported nothing in 30 s: ${stderr}`)), 30_000);
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const msg = JSON.parse(line) as { committed?: string[] };
      if (msg.committed) {
        clearTimeout(timer);
        resolve(msg.committed);
      }
    });
    void exited.then(({ code }) => reject(new Error(`child exited (${code}) before committing: ${stderr}`)));
  });
  // Between commit and publish: the relay never got its chance.
  child.kill('SIGKILL');
  const { signal } = await exited;
  assert.equal(signal, 'SIGKILL');
  return committed;
}

let suite = 0;
for (const db of dbKinds) {
  for (const busKind of busKinds) {
    const opts = await suiteOptions(db, busKind);
    const domain = `${run}${suite++}`;
    domains.push(domain);

    describe(`a process killed between commit and publish (${db}, ${busKind} bus)`, opts, () => {
      test('loses nothing: a relay started later on the same database delivers every event once, in order', async () => {
        const schema = uniqueSchema('crash');
        const type = `${domain}.committed`;
        // PGlite in memory cannot be shared between processes: an on-disk data dir can.
        const dataDir = db === 'pglite' ? await mkdtemp(join(tmpdir(), 'mercato-crash-')) : undefined;
        const cleanups: (() => Promise<unknown>)[] = [];
        try {
          const committed = await commitThenKill(
            db === 'pg'
              ? { kind: 'pg', url: testPgUrl(), schema, type, count: COUNT }
              : { kind: 'pglite', dataDir, schema, type, count: COUNT },
          );
          assert.equal(committed.length, COUNT);
          let target: DatabaseTarget;
          if (db === 'pg') {
            target = await testTarget('pg');
            cleanups.push(() => dropSchema(target, schema));
          } else {
            // Opened only after the child is dead: PGlite recovers the data dir like a crashed server.
            const pglite = await openPGlite(dataDir);
            target = { kind: 'pglite', pglite };
            cleanups.push(() => pglite.close());
          }
          const database = createDatabase(target, schema);
          cleanups.push(() => database.close());
          assert.equal(await outboxCount(database), COUNT, 'the committed events wait in the outbox');

          const bus = await openBus(busKind);
          cleanups.push(() => bus.close());
          const rec = await record(bus, `crash-${db}`, [type]);
          const relay = createRelay(database, bus, { logger }, { pollMs: 20 });
          relay.start();
          await waitFor(() => rec.events.length >= COUNT, 10_000, 'every committed event');
          await relay.stop();
          await rec.stop();
          assert.deepEqual(rec.ids(), committed, 'each once, in commit order');
          assert.equal(await outboxCount(database), 0);
        } finally {
          for (const c of cleanups.reverse()) await c();
          if (dataDir) await rm(dataDir, { recursive: true, force: true });
        }
      });
    });
  }
}
