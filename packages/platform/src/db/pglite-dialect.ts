import type { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

// PGlite is one connection. Kysely acquires a connection per query and keeps it for the
// whole of a transaction, so a FIFO lock around acquire/release serializes transactions:
// no statement of another caller can slip into an open transaction. The lock lives with
// the PGlite instance because embedded mode shares one instance among all services.
class ConnectionLock {
  private tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const ready = this.tail.then(() => release);
    this.tail = this.tail.then(() => held);
    return ready;
  }
}

const locks = new WeakMap<PGlite, ConnectionLock>();

function lockFor(pglite: PGlite): ConnectionLock {
  let lock = locks.get(pglite);
  if (!lock) {
    lock = new ConnectionLock();
    locks.set(pglite, lock);
  }
  return lock;
}

class PGliteConnection implements DatabaseConnection {
  readonly pglite: PGlite;
  release: (() => void) | undefined;

  constructor(pglite: PGlite) {
    this.pglite = pglite;
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    // Parameterless statements may be scripts (migrations): the simple protocol runs them all.
    if (compiled.parameters.length === 0 && compiled.sql.includes(';')) {
      const results = await this.pglite.exec(compiled.sql);
      const last = results.at(-1);
      return {
        rows: (last?.rows ?? []) as R[],
        numAffectedRows: last?.affectedRows === undefined ? undefined : BigInt(last.affectedRows),
      };
    }
    const res = await this.pglite.query<R>(compiled.sql, compiled.parameters as unknown[]);
    return {
      rows: res.rows,
      numAffectedRows: res.affectedRows === undefined ? undefined : BigInt(res.affectedRows),
    };
  }

  // eslint-disable-next-line require-yield -- streaming is not offered on PGlite
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streamQuery is not supported on PGlite');
  }
}

class PGliteDriver implements Driver {
  readonly pglite: PGlite;
  readonly lock: ConnectionLock;

  constructor(pglite: PGlite) {
    this.pglite = pglite;
    this.lock = lockFor(pglite);
  }

  async init(): Promise<void> {
    await this.pglite.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const conn = new PGliteConnection(this.pglite);
    conn.release = await this.lock.acquire();
    return conn;
  }

  async beginTransaction(conn: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const iso = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : '';
    await conn.executeQuery(CompiledQuery.raw(`begin${iso}`));
  }

  async commitTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(conn: DatabaseConnection): Promise<void> {
    const c = conn as PGliteConnection;
    c.release?.();
    c.release = undefined;
  }

  async destroy(): Promise<void> {
    // The PGlite instance may be shared by other services; its owner closes it.
  }
}

/** Kysely dialect over a PGlite instance (Postgres compiled to WASM, in-process). */
export class PGliteDialect implements Dialect {
  readonly pglite: PGlite;

  constructor(pglite: PGlite) {
    this.pglite = pglite;
  }

  createAdapter() {
    return new PostgresAdapter();
  }

  createDriver(): Driver {
    return new PGliteDriver(this.pglite);
  }

  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }

  // Kysely's introspector type is generic over the DB; any Kysely works here.
  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
}
