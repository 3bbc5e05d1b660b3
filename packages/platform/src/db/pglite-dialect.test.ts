import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, dropSchema, needs, testPglite, testTarget, uniqueSchema } from '@mercato/testing';
import { afterCommit, createDatabase, sql, type Database, type DatabaseTarget } from './index.ts';
import { migrate } from './migrator.ts';

interface DB {
  counter: { id: number; n: number };
  notes: { id: number; body: string };
  big: { id: number; amount: string; price: string; at: Date };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  const opts = kind === 'pg' ? await needs('postgres') : {};

  describe(`Database transactions (${kind})`, opts, () => {
    let target: DatabaseTarget;
    let database: Database<DB>;
    const schema = uniqueSchema('dbtx');

    async function count(table: 'notes' | 'counter'): Promise<number> {
      const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.id(schema, table)}`.execute(
        database.db,
      );
      return r.rows[0]?.n ?? -1;
    }

    before(async () => {
      target = await testTarget(kind);
      database = createDatabase<DB>(target, schema);
      await migrate(database, [
        {
          id: '0001',
          sql: `create table counter (id int primary key, n int not null);
                create table notes (id int primary key, body text not null);
                create table big (id int primary key, amount bigint not null, price numeric(12,2) not null, at timestamptz not null);`,
        },
      ]);
    });
    after(async () => {
      await database.close();
      await dropSchema(target, schema);
    });

    test('two concurrent transactions doing read-modify-write 50 times each end at 100', async () => {
      await database.db.insertInto('counter').values({ id: 1, n: 0 }).execute();
      const worker = () =>
        database.transaction(async (trx) => {
          for (let i = 0; i < 50; i++) {
            // FOR UPDATE makes PostgreSQL's two connections queue on the row; PGlite has one
            // session, so only the dialect's serialization of whole transactions prevents
            // the other transaction's statements from interleaving and losing updates.
            const row = await trx
              .selectFrom('counter')
              .select('n')
              .where('id', '=', 1)
              .forUpdate()
              .executeTakeFirstOrThrow();
            await tick();
            await trx
              .updateTable('counter')
              .set({ n: row.n + 1 })
              .where('id', '=', 1)
              .execute();
          }
        });
      await Promise.all([worker(), worker()]);
      const final = await database.db
        .selectFrom('counter')
        .select('n')
        .where('id', '=', 1)
        .executeTakeFirstOrThrow();
      assert.equal(final.n, 100);
    });

    test('many concurrent short transactions all commit', async () => {
      await database.db.insertInto('counter').values({ id: 2, n: 0 }).execute();
      await Promise.all(
        Array.from({ length: 40 }, () =>
          database.transaction(async (trx) => {
            await sql`update ${sql.id(schema, 'counter')} set n = n + 1 where id = 2`.execute(trx);
          }),
        ),
      );
      const final = await database.db
        .selectFrom('counter')
        .select('n')
        .where('id', '=', 2)
        .executeTakeFirstOrThrow();
      assert.equal(final.n, 40);
    });

    test('a rolled-back transaction leaves nothing, and the database stays usable', async () => {
      const before = await count('notes');
      await assert.rejects(
        database.transaction(async (trx) => {
          await trx.insertInto('notes').values({ id: 100, body: 'doomed' }).execute();
          await trx.insertInto('notes').values({ id: 101, body: 'doomed too' }).execute();
          throw new Error('use case failed');
        }),
        /use case failed/,
      );
      assert.equal(await count('notes'), before);
      await database.transaction(async (trx) => {
        await trx.insertInto('notes').values({ id: 100, body: 'kept' }).execute();
      });
      assert.equal(await count('notes'), before + 1);
    });

    test('a statement error inside a transaction rolls all of it back', async () => {
      const before = await count('notes');
      await assert.rejects(
        database.transaction(async (trx) => {
          await trx.insertInto('notes').values({ id: 200, body: 'first' }).execute();
          await trx.insertInto('notes').values({ id: 200, body: 'duplicate key' }).execute();
        }),
      );
      assert.equal(await count('notes'), before);
    });

    test('a write made outside a transaction while it is open survives that transaction rolling back', async () => {
      const before = await count('notes');
      const inside = gate();
      const started = gate();
      const tx = database.transaction(async (trx) => {
        await trx.insertInto('notes').values({ id: 300, body: 'rolled back' }).execute();
        started.open();
        await inside.wait;
        throw new Error('abort');
      });
      await started.wait;
      const outside = database.db.insertInto('notes').values({ id: 301, body: 'outside' }).execute();
      await tick();
      inside.open();
      await assert.rejects(tx, /abort/);
      await outside;
      const ids = await database.db.selectFrom('notes').select('id').where('id', 'in', [300, 301]).execute();
      assert.deepEqual(
        ids.map((r) => r.id),
        [301],
      );
      assert.equal(await count('notes'), before + 1);
    });

    test('afterCommit hooks run once, after the commit, in registration order', async () => {
      const calls: string[] = [];
      let seenFromOutside: Promise<number> | undefined;
      const result = await database.transaction(async (trx) => {
        await trx.insertInto('notes').values({ id: 400, body: 'committed' }).execute();
        afterCommit(trx, () => {
          calls.push('first');
          // Another connection (pg) or the next holder of the connection (PGlite) sees the row.
          seenFromOutside = database.db
            .selectFrom('notes')
            .select('id')
            .where('id', '=', 400)
            .execute()
            .then((r) => r.length);
        });
        afterCommit(trx, () => calls.push('second'));
        assert.deepEqual(calls, [], 'not during the transaction');
        return 'done';
      });
      assert.equal(result, 'done');
      assert.deepEqual(calls, ['first', 'second']);
      assert.equal(await seenFromOutside, 1);
    });

    test('afterCommit hooks never run when the transaction rolls back', async () => {
      let called = 0;
      await assert.rejects(
        database.transaction(async (trx) => {
          afterCommit(trx, () => called++);
          await trx.insertInto('notes').values({ id: 500, body: 'x' }).execute();
          throw new Error('rollback');
        }),
      );
      await assert.rejects(
        database.transaction(async (trx) => {
          afterCommit(trx, () => called++);
          await trx
            .insertInto('notes')
            .values({ id: 400, body: 'duplicate key, fails at the statement' })
            .execute();
        }),
      );
      assert.equal(called, 0);
    });

    test('a failing afterCommit hook does not turn a committed transaction into an error', async () => {
      let laterHookRan = false;
      const warnings: Error[] = [];
      const onWarning = (w: Error) => warnings.push(w);
      process.on('warning', onWarning);
      try {
        const result = await database.transaction(async (trx) => {
          await trx.insertInto('notes').values({ id: 600, body: 'committed' }).execute();
          afterCommit(trx, () => {
            throw new Error('hook broke');
          });
          afterCommit(trx, () => (laterHookRan = true));
          return 42;
        });
        assert.equal(result, 42);
        assert.equal(laterHookRan, true);
        const row = await database.db
          .selectFrom('notes')
          .select('body')
          .where('id', '=', 600)
          .executeTakeFirst();
        assert.equal(row?.body, 'committed');
        await tick();
        assert.ok(
          warnings.some((w) => /hook broke/.test(w.message)),
          'the failure is reported',
        );
      } finally {
        process.off('warning', onWarning);
      }
    });

    test('afterCommit outside a transaction is refused', () => {
      assert.throws(() => afterCommit(database.db, () => {}), /needs a transaction/);
    });

    test('int8 and numeric come back as strings, timestamptz as Date, on both drivers', async () => {
      const at = new Date('2026-01-02T03:04:05.678Z');
      await database.db
        .insertInto('big')
        .values({ id: 1, amount: '9007199254740993', price: '12.30', at })
        .execute();
      const row = await database.db
        .selectFrom('big')
        .selectAll()
        .where('id', '=', 1)
        .executeTakeFirstOrThrow();
      assert.equal(row.amount, '9007199254740993');
      assert.equal(row.price, '12.30');
      assert.ok(row.at instanceof Date);
      assert.equal(row.at.toISOString(), at.toISOString());
    });

    test('ping answers while the database is open', async () => {
      await database.ping();
    });
  });
}

describe('PGlite dialect', () => {
  test('two Database handles on one PGlite share one lock: their transactions never interleave', async () => {
    const pglite = await testPglite();
    const target: DatabaseTarget = { kind: 'pglite', pglite };
    const s1 = uniqueSchema('dlx');
    const a = createDatabase(target, s1);
    const b = createDatabase(target, s1);
    try {
      await migrate(a, [{ id: '0001', sql: 'create table log (seq serial primary key, who text not null)' }]);
      const write = (db: Database, who: string) =>
        db.transaction(async (trx) => {
          for (let i = 0; i < 5; i++) {
            await sql`insert into ${sql.id(s1, 'log')} (who) values (${who})`.execute(trx);
            await tick();
          }
        });
      await Promise.all([write(a, 'a'), write(b, 'b')]);
      const rows = await sql<{ who: string }>`select who from ${sql.id(s1, 'log')} order by seq`.execute(
        a.db,
      );
      const order = rows.rows.map((r) => r.who).join('');
      assert.ok(order === 'aaaaabbbbb' || order === 'bbbbbaaaaa', `interleaved: ${order}`);
    } finally {
      await a.close();
      await b.close();
      await dropSchema(target, s1);
    }
  });

  test('closing a Database handle leaves the shared PGlite open for other services', async () => {
    const pglite = await testPglite();
    const d = createDatabase({ kind: 'pglite', pglite }, 'public');
    await d.close();
    const r = await pglite.query<{ one: number }>('select 1 as one');
    assert.equal(r.rows[0]?.one, 1);
  });

  test('a parameterless script runs all its statements; a parameterized query binds values', async () => {
    const pglite = await testPglite();
    const target: DatabaseTarget = { kind: 'pglite', pglite };
    const s = uniqueSchema('dls');
    const d = createDatabase(target, s);
    try {
      await sql
        .raw(`create schema ${s}; create table ${s}.t (v text); insert into ${s}.t values ('x;y');`)
        .execute(d.db);
      const r = await sql<{ v: string }>`select v from ${sql.id(s, 't')} where v = ${'x;y'}`.execute(d.db);
      assert.deepEqual(r.rows, [{ v: 'x;y' }]);
    } finally {
      await d.close();
      await dropSchema(target, s);
    }
  });

  test('an invalid schema name is refused before any SQL', () => {
    assert.throws(
      () => createDatabase({ kind: 'pg', url: 'postgres://unused' }, 'bad-name; drop'),
      /invalid schema name/,
    );
  });
});
