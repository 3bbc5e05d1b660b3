import type { PGlite } from '@electric-sql/pglite';
import { createDatabase, ensurePgDatabase, openPGlite, sql, type DatabaseTarget } from '@mercato/platform/db';
import { newId } from '@mercato/platform/ids';
import { infra } from './infra.ts';

/** The database kinds every kit and service test runs against. */
export type DbKind = 'pglite' | 'pg';

let sharedPglite: Promise<PGlite> | undefined;

/** One in-memory PGlite per test process (start-up costs ~2 s; schemas keep tests apart). */
export function testPglite(): Promise<PGlite> {
  sharedPglite ??= openPGlite();
  return sharedPglite;
}

/**
 * Closes the shared PGlite (call in a file's last `after`). An open PGlite keeps a 10 s
 * stats timer armed after writes, which holds the test process open that long.
 */
export async function closeTestPglite(): Promise<void> {
  const pglite = sharedPglite;
  sharedPglite = undefined;
  if (pglite) await (await pglite).close();
}

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
