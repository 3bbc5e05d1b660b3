import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { fuzzystrmatch } from '@electric-sql/pglite/contrib/fuzzystrmatch';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import {
  Kysely,
  PostgresDialect,
  sql,
  type Dialect,
  type LogEvent,
  type QueryExecutorProvider,
  type RawBuilder,
  type Transaction,
} from 'kysely';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect.ts';

/** Where a service's data lives. */
export type DatabaseTarget =
  { kind: 'pg'; url: string; poolMax?: number } | { kind: 'pglite'; pglite: PGlite };

/**
 * A service's handle on its schema. `db` qualifies every table with the schema (Kysely
 * `withSchema`), so one PGlite or one PostgreSQL database can hold many services.
 */
export interface Database<DB = unknown> {
  readonly kind: 'pg' | 'pglite';
  readonly schema: string;
  /** Schema-qualified query builder. */
  readonly db: Kysely<DB>;
  /**
   * The same on one connection in pipeline mode (PostgreSQL): a statement is sent without
   * waiting for the answers of those before it, and the server runs them one after the other.
   * Only for statements that autocommit on their own — never a transaction. On PGlite, `db`.
   */
  readonly pipeline: Kysely<DB>;
  /** Runs fn in one transaction; afterCommit hooks registered inside run once it commits. */
  transaction<T>(fn: (trx: Transaction<DB>) => Promise<T>): Promise<T>;
  /** Throws when the database cannot answer. */
  ping(): Promise<void>;
  /** Closes the pool (pg). A shared PGlite is closed by its owner. */
  close(): Promise<void>;
}

/**
 * The part of a Database the kit's own tables need. Any service's Database<DB> fits, so
 * the outbox, relay, inbox and idempotency code serve every service without knowing its tables.
 */
export interface KitDatabase {
  readonly kind: 'pg' | 'pglite';
  readonly schema: string;
  readonly db: QueryExecutorProvider;
  transaction<T>(fn: (trx: QueryExecutorProvider) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
}

const afterCommitHooks = new WeakMap<object, Array<() => void>>();

/** Registers fn to run after trx commits (never when it rolls back). */
export function afterCommit(trx: object, fn: () => void): void {
  const hooks = afterCommitHooks.get(trx);
  if (!hooks) throw new Error('afterCommit needs a transaction opened by Database.transaction');
  hooks.push(fn);
}

/**
 * Takes a transaction-level advisory lock named `key` if no other transaction holds it
 * (released at commit or rollback): one replica at a time does a periodic job. Answers
 * whether this transaction got it. `asyncCommit`: the transaction's commit does not wait for
 * its WAL flush (set in the same statement) — for work a crash may undo because it is
 * simply done again (e.g. deleting outbox rows already published).
 */
export async function tryTransactionLock(
  trx: QueryExecutorProvider,
  key: string,
  opts: { asyncCommit?: boolean } = {},
): Promise<boolean> {
  const asyncCommit = opts.asyncCommit ? sql`, set_config('synchronous_commit', 'off', true)` : sql``;
  const got = await prepared(
    sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(hashtext(${key})) as ok${asyncCommit}`,
  ).execute(trx);
  return got.rows[0]?.ok === true;
}

/** The text a prepared statement starts with (see prepared()). */
const PREPARE_MARK = '/* prepared */ ';

/**
 * Marks a statement to run as a named prepared statement on PostgreSQL: parsed and planned
 * once per pooled connection instead of at every execution (planning a statement of several
 * CTEs can cost more than running it). Its text must not vary with the data: pass lists as
 * one array parameter (`unnest`, `= any`), never as a VALUES list or `in (...)`. Its plan is
 * the generic one, made at first use and kept: write it so that plan stays right at any
 * table size — reach rows by key through LATERAL probes (`unnest(...) as k cross join
 * lateral (select ... where key = k.key ...)`), index scans in any plan. A plain join, or
 * even `= any(array)`, lets a plan made while the table was small scan it sequentially
 * for as long as the plan lives. On PGlite the statement runs as any other.
 */
export function prepared<O>(query: RawBuilder<O>): RawBuilder<O> {
  return sql<O>`${sql.raw(PREPARE_MARK)}${query}`;
}

const statementNames = new Map<string, string>();

function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    // A name per text: node-pg refuses one name for two texts, and the set of marked texts is
    // fixed by the code (the rule above), so the map stays small.
    name = `m_${createHash('sha1').update(text).digest('hex')}`;
    statementNames.set(text, name);
  }
  return name;
}

/** Makes a pooled client run marked statements as named ones (Kysely calls query(text, values)). */
function prepareMarked(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (config: unknown, values?: unknown, cb?: unknown) => unknown;
  // pg's query() has a dozen overloads; only the (text, values) call is rewritten.
  (client as unknown as { query: typeof query }).query = (config, values, cb) =>
    typeof config === 'string' && config.startsWith(PREPARE_MARK)
      ? query({ name: statementName(config), text: config, values }, cb)
      : query(config, values, cb);
}

// Align both drivers' parsing: int8 and numeric stay strings (no precision loss), dates as Date.
const pgliteParsers = {
  [pgliteTypes.INT8]: (v: string) => v,
  [pgliteTypes.NUMERIC]: (v: string) => v,
};

/**
 * Opens a PGlite instance (in memory when dataDir is absent), ready for use. `loadDataDir`
 * starts it from a dump (`pglite.dumpDataDir()`) instead of running initdb.
 */
export async function openPGlite(dataDir?: string, opts: { loadDataDir?: Blob } = {}): Promise<PGlite> {
  // One options object: PGlite drops the second argument when the first is not a string,
  // so `new PGlite(undefined, { parsers })` (in memory) would silently lose the parsers.
  const pglite = new PGlite({
    ...(dataDir === undefined ? {} : { dataDir }),
    ...(opts.loadDataDir === undefined ? {} : { loadDataDir: opts.loadDataDir }),
    parsers: pgliteParsers,
    // The contrib extensions services may use (see SQL_EXTENSIONS): PostgreSQL ships them as
    // contrib; PGlite only has those it was given here.
    extensions: { unaccent, pg_trgm, fuzzystrmatch },
    // The server's default 128 MB buffer pool lives in PGlite's WebAssembly heap, which
    // never shrinks: after the first start's seeding it held ~130 MB more than a 16 MB pool
    // on the demo data (measured: 386 vs 255 MB RSS), which the OS page cache serves anyway.
    postgresqlconf: ['shared_buffers=32MB'],
  });
  await pglite.waitReady;
  return pglite;
}

/**
 * The contrib extensions every database of the platform has, created once in schema `public`
 * (so every service's schema sees them through its search_path) before any migration runs:
 * `unaccent` (accent folding, a text search dictionary), `pg_trgm` (trigram similarity) and
 * `fuzzystrmatch` (Levenshtein distance). Both runtimes have them: PostgreSQL as contrib,
 * PGlite as the bundles {@link openPGlite} loads.
 */
export const SQL_EXTENSIONS = ['unaccent', 'pg_trgm', 'fuzzystrmatch'] as const;

/**
 * Creates {@link SQL_EXTENSIONS} where missing, in one short transaction of its own under a
 * database-wide advisory lock: services migrating at once on one database would otherwise
 * race to create the same extension (a unique violation in pg_extension for the loser).
 */
export async function ensureExtensions(database: {
  transaction<T>(fn: (trx: QueryExecutorProvider) => Promise<T>): Promise<T>;
}): Promise<void> {
  await database.transaction(async (trx) => {
    const present = await sql<{ extname: string }>`select extname from pg_extension`.execute(trx);
    const missing = SQL_EXTENSIONS.filter((e) => !present.rows.some((r) => r.extname === e));
    if (missing.length === 0) return;
    await sql`select pg_advisory_xact_lock(hashtext('mercato:extensions'))`.execute(trx);
    for (const name of missing) {
      await sql`create extension if not exists ${sql.id(name)} with schema public`.execute(trx);
    }
  });
}

/** Options of {@link createDatabase}. */
export interface DatabaseOptions {
  /** Sees every statement that ran (its SQL and duration): metrics, and tests that count queries. */
  onQuery?: (sql: string, durationMs: number) => void;
}

/** Creates the database handle for one service schema on either target. */
export function createDatabase<DB = unknown>(
  target: DatabaseTarget,
  schema: string,
  opts: DatabaseOptions = {},
): Database<DB> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name: ${schema}`);
  let pool: pg.Pool | undefined;
  let dialect: Dialect;
  let pipelineDialect: Dialect | undefined;
  if (target.kind === 'pg') {
    // Only named statements (prepared()) have plans to cache: generic at once, no five custom
    // plans first and no costing of both at every execution. Merged with the URL's own
    // `options` (pg lets the URL's replace the config's).
    const url = new URL(target.url);
    const options = [url.searchParams.get('options'), '-c plan_cache_mode=force_generic_plan']
      .filter(Boolean)
      .join(' ');
    url.searchParams.delete('options');
    pool = new pg.Pool({
      connectionString: url.toString(),
      max: target.poolMax ?? 10,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 5_000,
      options,
    });
    // An idle client erroring (server restart) must not crash the process; the pool replaces it.
    pool.on('error', () => {});
    // pg-pool listens for errors only on idle clients: a connection lost while a client is
    // checked out but between statements (a transaction awaiting other work, the relay
    // between its reads and writes) emitted an unhandled 'error' and crashed the process.
    // The next statement on it fails instead, and the pool drops it when it is released.
    pool.on('connect', (client) => client.on('error', () => {}));
    pool.on('connect', prepareMarked);
    dialect = new PostgresDialect({ pool });
    pipelineDialect = new PostgresDialect({
      pool: pipelinedPool({ connectionString: url.toString(), options }),
    });
  } else {
    dialect = new PGliteDialect(target.pglite);
  }
  const { onQuery } = opts;
  const root = new Kysely<DB>({
    dialect,
    ...(onQuery && {
      log: (event: LogEvent) => {
        if (event.level === 'query') onQuery(event.query.sql, event.queryDurationMillis);
      },
    }),
  });
  const db = root.withSchema(schema);
  const pipelineRoot = pipelineDialect ? new Kysely<DB>({ dialect: pipelineDialect }) : undefined;
  return {
    kind: target.kind,
    schema,
    db,
    pipeline: pipelineRoot ? pipelineRoot.withSchema(schema) : db,
    async transaction<T>(fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
      let hooks: Array<() => void> = [];
      const result = await db.transaction().execute(async (trx) => {
        hooks = [];
        afterCommitHooks.set(trx, hooks);
        return fn(trx);
      });
      // The transaction has committed: a failing hook must not make the caller believe it
      // did not (a retry would do the work twice), nor stop the hooks after it.
      for (const h of hooks) {
        try {
          h();
        } catch (err) {
          process.emitWarning(err instanceof Error ? err : new Error(String(err)), 'AfterCommitHookWarning');
        }
      }
      return result;
    },
    async ping() {
      await sql`select 1`.execute(root);
    },
    async close() {
      await Promise.all([root.destroy(), pipelineRoot?.destroy()]);
    },
  };
}

/**
 * A pool of one connection in pipeline mode, handed to every caller at once (Kysely's
 * PostgresDialect takes a pool). A broken connection is replaced at the next statement.
 */
function pipelinedPool(config: pg.ClientConfig): { connect(): Promise<pg.PoolClient>; end(): Promise<void> } {
  let current: Promise<pg.PoolClient> | undefined;
  function open(): Promise<pg.PoolClient> {
    const opening: Promise<pg.PoolClient> = (async () => {
      const client = new pg.Client({ ...config, pipeline: true } as pg.ClientConfig) as pg.PoolClient;
      const drop = (): void => {
        if (current === opening) current = undefined;
      };
      client.on('error', drop);
      client.on('end', drop);
      // Kysely releases the connection after each statement: it stays, shared.
      client.release = () => {};
      await client.connect();
      prepareMarked(client);
      return client;
    })();
    opening.catch(() => {
      if (current === opening) current = undefined;
    });
    return opening;
  }
  return {
    connect() {
      current ??= open();
      return current;
    },
    async end() {
      const opened = current;
      current = undefined;
      const client = await opened?.catch(() => undefined);
      await client?.end();
    },
  };
}

/** Creates the PostgreSQL database named in url when it does not exist (distributed start-up). */
export async function ensurePgDatabase(url: string): Promise<void> {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!name) return;
  u.pathname = '/postgres';
  const client = new pg.Client({ connectionString: u.toString() });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) {
      try {
        await client.query(`create database "${name.replaceAll('"', '""')}"`);
      } catch (err) {
        // Two processes racing to create it: the loser sees duplicate_database (42P04).
        if ((err as { code?: string }).code !== '42P04') throw err;
      }
    }
  } finally {
    await client.end();
  }
}
