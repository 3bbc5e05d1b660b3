import type { PGlite } from '@electric-sql/pglite';
import { createDatabase, ensurePgDatabase, openPGlite, sql, type DatabaseTarget } from '@mercato/platform/db';
import { newId } from '@mercato/platform/ids';
import { pgliteVersion, readPGliteTemplate } from '@mercato/platform/pglite-init';
import { randomUUID } from 'node:crypto';
import { after } from 'node:test';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { infra } from './infra.ts';

/** The database kinds every kit and service test runs against. */
export type DbKind = 'pglite' | 'pg';

let sharedPglite: Promise<PGlite> | undefined;

/** One in-memory PGlite per test process (schemas keep tests apart). */
export function testPglite(): Promise<PGlite> {
  sharedPglite ??= openFromSnapshot();
  return sharedPglite;
}

/**
 * The snapshot of a freshly initialized PGlite data directory, per PGlite version, shared by
 * every test process of the machine. initdb is most of PGlite's start-up (measured on the
 * shared machine under load: 15.4 s fresh, 1.7 s from the snapshot), and each test file
 * runs in a process of its own.
 */
async function snapshotFile(): Promise<string> {
  return path.join(os.tmpdir(), `mercato-test-pglite-${await pgliteVersion()}.tar`);
}

async function openFromSnapshot(): Promise<PGlite> {
  const file = await snapshotFile();
  const saved = await readFile(file).catch(() => undefined);
  if (saved) {
    try {
      return await openPGlite(undefined, { loadDataDir: new Blob([saved]) });
    } catch {
      // A torn or foreign file: start fresh and write it again below.
    }
  }
  // The repository's template of this PGlite version when there is one, else initdb.
  const template = await readPGliteTemplate();
  const fresh = await openPGlite(undefined, template ? { loadDataDir: new Blob([template]) } : {});
  // Taken before any test writes: the snapshot is an empty, initialized cluster. Written
  // under a name of its own, then renamed, so a concurrent reader never sees half a file.
  const dump = template ?? Buffer.from(await (await fresh.dumpDataDir('none')).arrayBuffer());
  const partial = `${file}.${process.pid}.${randomUUID()}`;
  await writeFile(partial, dump)
    .then(() => rename(partial, file))
    .catch(() => rm(partial, { force: true }));
  return fresh;
}

/**
 * Closes the shared PGlite (call in a file's last `after`). An open PGlite keeps a 10 s
 * stats timer armed after writes, which holds the test process open that long (one
 * started from the snapshot re-arms it for good).
 */
export async function closeTestPglite(): Promise<void> {
  const pglite = sharedPglite;
  sharedPglite = undefined;
  if (pglite) await (await pglite).close();
}

// Under the test runner (each file a process of its own), the file's last hook closes the
// shared PGlite even where the file forgot to: this module is imported at the file's top
// level, so the hook belongs to the file's root and runs after all its tests.
if (process.env.NODE_TEST_CONTEXT) after(closeTestPglite);

/** URL of the PostgreSQL database the tests use (created when missing). */
export function testPgUrl(): string {
  const u = new URL(infra.postgresUrl);
  u.pathname = '/mercato_test';
  return u.toString();
}

let pgReady: Promise<void> | undefined;

/** A database target of the given kind, ready to use. */
export async function testTarget(kind: DbKind): Promise<DatabaseTarget> {
  if (kind === 'pglite') return { kind: 'pglite', pglite: await testPglite() };
  pgReady ??= ensurePgDatabase(testPgUrl());
  await pgReady;
  return { kind: 'pg', url: testPgUrl(), poolMax: 20 };
}

/** A schema name no other test uses. */
export function uniqueSchema(prefix = 't'): string {
  return `${prefix}_${newId().replaceAll('-', '').slice(-16)}`;
}

/** Drops a test schema and everything in it. */
export async function dropSchema(target: DatabaseTarget, schema: string): Promise<void> {
  const db = createDatabase(target, schema);
  try {
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db.db);
  } finally {
    await db.close();
  }
}
