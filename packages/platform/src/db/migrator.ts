import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type QueryExecutorProvider } from 'kysely';
import { ensureExtensions, type KitDatabase } from './database.ts';

/**
 * One SQL migration. `id` sorts in apply order (e.g. `0001_settings`). A numbered one is
 * forward-only: applied once, never edited after. A `repeatable` one (a file of a
 * `repeatable/` folder: a function's whole definition, `create or replace`) is applied after
 * every numbered one, and again whenever its text changes.
 */
export interface Migration {
  id: string;
  sql: string;
  repeatable?: boolean;
}

/** Raised when an applied migration's file changed: the schema no longer matches its history. */
export class MigrationChecksumError extends Error {
  constructor(schema: string, id: string) {
    super(`migration ${id} in schema ${schema} was edited after it was applied (checksum mismatch)`);
    this.name = 'MigrationChecksumError';
  }
}

/** The `.sql` files of a folder in name order; none when an optional folder is missing. */
async function sqlFiles(folder: string, optional: boolean): Promise<string[]> {
  try {
    return (await readdir(folder)).filter((f) => f.endsWith('.sql')).sort();
  } catch (err) {
    if (optional && (err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/**
 * Reads a migrations folder: its `NNNN_name.sql` files in name order, then the files of its
 * `repeatable/` subfolder (if any) in name order, as repeatable migrations with ids
 * `repeatable/<name>`. Ids are prefixed when given.
 */
export async function loadMigrations(dir: URL | string, prefix = ''): Promise<Migration[]> {
  const root = typeof dir === 'string' ? dir : fileURLToPath(dir);
  const read = async (folder: string, idPrefix: string, repeatable: boolean): Promise<Migration[]> =>
    Promise.all(
      (await sqlFiles(folder, repeatable)).map(async (f) => ({
        id: idPrefix + f.replace(/\.sql$/, ''),
        sql: await readFile(join(folder, f), 'utf8'),
        ...(repeatable && { repeatable: true }),
      })),
    );
  return [
    ...(await read(root, prefix, false)),
    ...(await read(join(root, 'repeatable'), `${prefix}repeatable/`, true)),
  ];
}

/** The kit's own tables (outbox, inbox, dead letters, idempotency keys), applied before a service's. */
export function platformMigrations(): Promise<Migration[]> {
  return loadMigrations(new URL('../../migrations/', import.meta.url), 'platform/');
}

function checksum(text: string): string {
  return createHash('sha256').update(text.replace(/\r\n/g, '\n')).digest('hex');
}

/** Runs one migration's text (a script: several statements allowed) in the transaction. */
async function run(trx: QueryExecutorProvider, text: string): Promise<void> {
  await sql.raw(text.trim().endsWith(';') ? text : `${text};`).execute(trx);
}

/**
 * Applies pending migrations to the database's schema in one transaction, under an
 * advisory lock so that replicas starting together never migrate at once: first the
 * numbered ones not applied yet (recorded in `schema_migrations`; one edited after it was
 * applied raises MigrationChecksumError), in the order given, then the repeatable ones whose
 * text differs from the one last applied (recorded in `schema_repeatables`), in the order
 * given. A failure rolls back the whole run. Migration SQL runs with search_path set to the
 * schema, then `public` (where the kit's SQL_EXTENSIONS live, created before), so files use
 * unqualified names. Returns the ids applied now.
 */
export async function migrate(database: KitDatabase, migrations: Migration[]): Promise<string[]> {
  const schema = database.schema;
  const ids = new Set<string>();
  for (const m of migrations) {
    if (ids.has(m.id)) throw new Error(`duplicate migration id ${m.id}`);
    ids.add(m.id);
  }
  const numbered = migrations.filter((m) => !m.repeatable);
  const repeatable = migrations.filter((m) => m.repeatable);
  await ensureExtensions(database);
  return database.transaction(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${'mercato:migrate:' + schema}))`.execute(trx);
    await sql`create schema if not exists ${sql.id(schema)}`.execute(trx);
    for (const table of ['schema_migrations', 'schema_repeatables']) {
      await sql`create table if not exists ${sql.id(schema, table)} (
        id text primary key,
        checksum text not null,
        applied_at timestamptz not null default now()
      )`.execute(trx);
    }
    const recorded = async (table: string) =>
      new Map(
        (
          await sql<{ id: string; checksum: string }>`
            select id, checksum from ${sql.id(schema, table)}`.execute(trx)
        ).rows.map((r) => [r.id, r.checksum]),
      );
    const applied = await recorded('schema_migrations');
    const current = await recorded('schema_repeatables');
    const done: string[] = [];
    await sql`select set_config('search_path', ${schema + ', public'}, true)`.execute(trx);
    for (const m of numbered) {
      const sum = checksum(m.sql);
      const prev = applied.get(m.id);
      if (prev !== undefined) {
        if (prev !== sum) throw new MigrationChecksumError(schema, m.id);
        continue;
      }
      await run(trx, m.sql);
      await sql`insert into ${sql.id(schema, 'schema_migrations')} (id, checksum) values (${m.id}, ${sum})`.execute(
        trx,
      );
      done.push(m.id);
    }
    for (const m of repeatable) {
      const sum = checksum(m.sql);
      if (current.get(m.id) === sum) continue;
      await run(trx, m.sql);
      await sql`insert into ${sql.id(schema, 'schema_repeatables')} (id, checksum) values (${m.id}, ${sum})
        on conflict (id) do update set checksum = excluded.checksum, applied_at = now()`.execute(trx);
      done.push(m.id);
    }
    return done;
  });
}
