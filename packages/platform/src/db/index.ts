export {
  createDatabase,
  openPGlite,
  afterCommit,
  ensurePgDatabase,
  ensureExtensions,
  SQL_EXTENSIONS,
  tryTransactionLock,
  prepared,
} from './database.ts';
export type { Database, DatabaseOptions, DatabaseTarget } from './database.ts';
export { migrate, loadMigrations, platformMigrations, MigrationChecksumError } from './migrator.ts';
export type { Migration } from './migrator.ts';
export { fetchPage, likePattern } from './paging.ts';
export {
  jsonb,
  PgErrorCode,
  pgErrorCode,
  pgConstraint,
  isUniqueViolation,
  isRetryableConflict,
  storableJson,
  storableText,
} from './sql-values.ts';
export { createWriteBatcher } from './write-batcher.ts';
export type { WriteBatcher, WriteBatcherOptions } from './write-batcher.ts';
export type { PageWindow } from './paging.ts';
export { PGliteDialect } from './pglite-dialect.ts';
export { sql } from 'kysely';
export type { QueryExecutorProvider as Executor } from 'kysely';
export type {
  Kysely,
  Transaction,
  Selectable,
  Insertable,
  Updateable,
  Generated,
  ColumnType,
  ExpressionBuilder,
  SelectQueryBuilder,
  RawBuilder,
} from 'kysely';
