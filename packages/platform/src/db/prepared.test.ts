import { dropSchema, needs, testPgUrl, testTarget, uniqueSchema, type DbKind } from '@mercato/testing';
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { createDatabase, prepared, sql, type Executor } from './index.ts';

interface Row {
  n: number;
  label: string;
}

/** Inserts rows as arrays: one statement text for any number of rows. */
const insertRows = (schema: string, rows: Row[]) =>
  prepared(sql`insert into ${sql.id(schema, 'items')} (n, label)
    select * from unnest(${rows.map((r) => r.n)}::int[], ${rows.map((r) => r.label)}::text[])`);

async function setUp(kind: DbKind) {
  const target = await testTarget(kind);
  const schema = uniqueSchema('prep');
  const database = createDatabase(target, schema);
  await sql`create schema ${sql.id(schema)}`.execute(database.db);
  await sql`create table ${sql.id(schema, 'items')} (n int primary key, label text not null)`.execute(
    database.db,
  );
  after(async () => {
    await database.close();
    await dropSchema(target, schema);
  });
  return { database, schema };
}

const read = async (db: Executor, schema: string) =>
  (await sql<Row>`select n, label from ${sql.id(schema, 'items')} order by n`.execute(db)).rows;

describe('prepared statements on PostgreSQL', async () => {
  const opts = await needs('postgres');

  test(
    'a marked statement is prepared once per connection with a generic plan, whatever the number of rows',
    opts,
    async () => {
      const { database, schema } = await setUp('pg');
      const held = await database.transaction(async (trx) => {
        await insertRows(schema, [{ n: 1, label: 'one' }]).execute(trx);
        await insertRows(schema, [
          { n: 2, label: 'two' },
          { n: 3, label: "it's" },
        ]).execute(trx);
        await insertRows(schema, []).execute(trx);
        // The session's statements: the transaction holds one connection, so one session.
        return (
          await sql<{ statement: string; generic_plans: string; custom_plans: string }>`
          select statement, generic_plans, custom_plans from pg_prepared_statements
          where statement like ${`%${schema}"."items"%`}`.execute(trx)
        ).rows;
      });
      assert.equal(held.length, 1, 'three executions, one prepared statement');
      assert.ok(held[0]!.statement.startsWith('/* prepared */'));
      assert.equal(Number(held[0]!.custom_plans), 0);
      assert.equal(Number(held[0]!.generic_plans), 3);
      assert.deepEqual(await read(database.db, schema), [
        { n: 1, label: 'one' },
        { n: 2, label: 'two' },
        { n: 3, label: "it's" },
      ]);
    },
  );

  test("a database URL's own options are kept next to the kit's plan setting", opts, async () => {
    await testTarget('pg'); // creates the test database when missing
    const url = new URL(testPgUrl());
    url.searchParams.set('options', '-c statement_timeout=1234');
    const database = createDatabase({ kind: 'pg', url: url.toString() }, 'public');
    try {
      const settings = await sql<{ timeout: string; plans: string }>`
        select current_setting('statement_timeout') as timeout, current_setting('plan_cache_mode') as plans`.execute(
        database.db,
      );
      assert.deepEqual(settings.rows, [{ timeout: '1234ms', plans: 'force_generic_plan' }]);
    } finally {
      await database.close();
    }
  });

  test('an unmarked statement is not kept by the server', opts, async () => {
    const { database, schema } = await setUp('pg');
    const held = await database.transaction(async (trx) => {
      await sql`insert into ${sql.id(schema, 'items')} (n, label) values (${1}, ${'one'})`.execute(trx);
      return (await sql`select name from pg_prepared_statements`.execute(trx)).rows;
    });
    assert.deepEqual(held, []);
  });
});

test('on PGlite a marked statement runs like any other', async () => {
  const { database, schema } = await setUp('pglite');
  await insertRows(schema, [
    { n: 1, label: 'one' },
    { n: 2, label: 'two' },
  ]).execute(database.db);
  assert.deepEqual(await read(database.db, schema), [
    { n: 1, label: 'one' },
    { n: 2, label: 'two' },
  ]);
});
