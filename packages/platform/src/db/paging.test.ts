import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { closeTestPglite, dropSchema, needs, testTarget, uniqueSchema } from '@mercato/testing';
import { createDatabase } from './database.ts';
import { fetchPage, likePattern } from './paging.ts';
import { sql } from 'kysely';

after(closeTestPglite);

test('likePattern makes %, _ and \\ of the search match themselves', () => {
  assert.equal(likePattern('50%_off\\'), '%50\\%\\_off\\\\%');
  assert.equal(likePattern('plain'), '%plain%');
});

interface DB {
  things: { n: number; label: string };
}

for (const kind of ['pglite', 'pg'] as const) {
  describe(`fetchPage (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    test('returns the requested page and the count of the whole filtered list', async () => {
      const target = await testTarget(kind);
      const schema = uniqueSchema('paging');
      const database = createDatabase<DB>(target, schema);
      try {
        await sql`create schema ${sql.id(schema)}`.execute(database.db);
        await sql`create table ${sql.id(schema, 'things')} (n int primary key, label text not null)`.execute(
          database.db,
        );
        await database.db
          .insertInto('things')
          .values(Array.from({ length: 25 }, (_, i) => ({ n: i + 1, label: i % 2 === 0 ? 'odd' : 'even' })))
          .execute();
        const odd = database.db.selectFrom('things').where('label', '=', 'odd');
        const page2 = await fetchPage(odd, { page: 2, pageSize: 5 }, (q) => q.select('n').orderBy('n'));
        assert.equal(page2.totalCount, 13);
        assert.deepEqual(
          page2.rows.map((r) => r.n),
          [11, 13, 15, 17, 19],
        );
        const past = await fetchPage(odd, { page: 4, pageSize: 5 }, (q) => q.select('n').orderBy('n'));
        assert.equal(past.totalCount, 13);
        assert.deepEqual(past.rows, []);
      } finally {
        await database.close();
        await dropSchema(target, schema);
      }
    });
  });
}
