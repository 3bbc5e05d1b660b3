import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { KitDatabase } from './database.ts';

/** One forward-only SQL migration. `id` sorts in apply order (e.g. `0001_settings`). */
export interface Migration {
  id: string;
  sql: string;
}

/** Raised when an applied migration's file changed: the schema no longer matches its history. */
export class MigrationChecksumError extends Error {
  constructor(schema: string, id: string) {
    super(`migration ${id} in schema ${schema} was edited after it was applied (checksum mismatch)`);
    this.name = 'MigrationChecksumError';
  }
}

/** Reads `NNNN_name.sql` files of a folder, in name order; ids are prefixed when given. */
export async function loadMigrations(dir: URL | string, prefix = ''): Promise<Migration[]> {
  const path = typeof dir === 'string' ? dir : fileURLToPath(dir);
  const files = (await readdir(path)).filter((f) => f.endsWith('.sql')).sort();
  return Promise.all(
    files.map(async (f) => ({
      id: prefix + f.replace(/\.sql$/, ''),
      sql: await readFile(`${path}/${f}`, 'utf8'),
    })),
  );
}

/** The kit's own tables (outbox, inbox, dead letters, idempotency keys), applied before a service's. */
export function platformMigrations(): Promise<Migration[]> {
  return loadMigrations(new URL('../../migrations/', import.meta.url), 'platform/');
}

function checksum(text: string): string {
  return createHash('sha256').update(text.replace(/\r\n/g, '\n')).digest('hex');
}

/**
 * Applies pending migrations to the database's schema in one transaction, under an
 * advisory lock so that replicas starting together never migrate at once. Migration SQL
 * runs with search_path set to the schema, so files use unqualified names.
 * Returns the ids applied now.
 */
export async function migrate(database: KitDatabase, migrations: Migration[]): Promise<string[]> {
  const schema = database.schema;
  const ids = new Set<string>();
  for (const m of migrations) {
    if (ids.has(m.id)) throw new Error(`duplicate migration id ${m.id}`);
    ids.add(m.id);
  }
  return database.transaction(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${'mercato:migrate:' + schema}))`.execute(trx);
    await sql`create schema if not exists ${sql.id(schema)}`.execute(trx);
    await sql`create table if not exists ${sql.id(schema, 'schema_migrations')} (
      id text primary key,
      checksum text not null,
      applied_at timestamptz not null default now()
    )`.execute(trx);
    const applied = await sql<{ id: string; checksum: string }>`
      select id, checksum from ${sql.id(schema, 'schema_migrations')}`.execute(trx);
    const known = new Map(applied.rows.map((r) => [r.id, r.checksum]));
    const done: string[] = [];
    await sql`select set_config('search_path', ${schema + ', public'}, true)`.execute(trx);
    for (const m of migrations) {
      const sum = checksum(m.sql);
      const prev = known.get(m.id);
      if (prev !== undefined) {
        if (prev !== sum) throw new MigrationChecksumError(schema, m.id);
        continue;
      }
      await sql.raw(m.sql.trim().endsWith(';') ? m.sql : `${m.sql};`).execute(trx);
      await sql`insert into ${sql.id(schema, 'schema_migrations')} (id, checksum) values (${m.id}, ${sum})`.execute(
        trx,
      );
      done.push(m.id);
    }
    return done;
  });
}
