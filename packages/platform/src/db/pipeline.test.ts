import { dropSchema, needs, testTarget, uniqueSchema, waitFor, type DbKind } from '@mercato/testing';
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { createDatabase, prepared, sql } from './index.ts';

async function setUp(kind: DbKind) {
  const target = await testTarget(kind);
  const schema = uniqueSchema('pipe');
  const database = createDatabase(target, schema);
  await sql`create schema ${sql.id(schema)}`.execute(database.db);
  await sql`create table ${sql.id(schema, 'items')} (
    seq bigint generated always as identity, n int primary key, pid int not null, txid bigint not null)`.execute(
    database.db,
  );
  after(async () => {
    await database.close();
    await dropSchema(target, schema);
  });
  return { database, schema };
}

describe('the pipelined connection on PostgreSQL', async () => {
  const opts = await needs('postgres');

  test(
    'statements sent at once run on one connection in the order sent, each committed on its own',
    opts,
    async () => {
      const { database, schema } = await setUp('pg');
      const insert = (n: number) =>
        prepared(sql`insert into ${sql.id(schema, 'items')} (n, pid, txid)
        values (${n}::int, pg_backend_pid(), txid_current())`).execute(database.pipeline);
      await Promise.all(Array.from({ length: 50 }, (_, i) => insert(i)));
      const rows = (
        await sql<{
          n: number;
          pid: number;
          txid: string;
        }>`select n, pid, txid from ${sql.id(schema, 'items')}
        order by seq`.execute(database.db)
      ).rows;
      assert.deepEqual(
        rows.map((r) => r.n),
        Array.from({ length: 50 }, (_, i) => i),
      );
      assert.equal(new Set(rows.map((r) => r.pid)).size, 1, 'one connection');
      assert.equal(new Set(rows.map((r) => r.txid)).size, 50, 'a transaction each');
    },
  );

  test('a failing statement fails alone: the ones sent after it still run', opts, async () => {
    const { database, schema } = await setUp('pg');
    const insert = (n: number) =>
      prepared(sql`insert into ${sql.id(schema, 'items')} (n, pid, txid)
        values (${n}::int, pg_backend_pid(), txid_current())`).execute(database.pipeline);
    const outcomes = await Promise.allSettled([insert(1), insert(1), insert(2)]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    const left = await sql<{ n: number }>`select n from ${sql.id(schema, 'items')} order by n`.execute(
      database.db,
    );
    assert.deepEqual(
      left.rows.map((r) => r.n),
      [1, 2],
    );
  });

  test('a connection the server ended is replaced by a new one', opts, async () => {
    const { database } = await setUp('pg');
    const pid = async () =>
      (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(database.pipeline)).rows[0]!.pid;
    const first = await pid();
    await sql`select pg_terminate_backend(${first}::int)`.execute(database.db);
    let next = first;
    await waitFor(async () => {
      next = await pid().catch(() => first);
      return next !== first;
    });
    assert.notEqual(next, first);
    assert.equal(await pid(), next, 'the new connection stays');
  });
});

test('on PGlite the pipeline is the one connection every statement uses', async () => {
  const { database } = await setUp('pglite');
  assert.equal(database.pipeline, database.db);
});
