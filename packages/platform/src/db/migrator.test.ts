import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, dropSchema, needs, testTarget, uniqueSchema } from '@mercato/testing';
import { createDatabase, sql, type Database, type DatabaseTarget } from './index.ts';
import {
  MigrationChecksumError,
  loadMigrations,
  migrate,
  platformMigrations,
  type Migration,
} from './migrator.ts';

const base: Migration[] = [
  { id: '0001_items', sql: 'create table items (id int primary key, name text not null)' },
  // Depends on 0001: fails when run first.
  { id: '0002_items_price', sql: 'alter table items add column price int not null default 0' },
  // A script: several statements, one with a semicolon inside a literal.
  {
    id: '0003_seed',
    sql: "insert into items (id, name, price) values (1, 'a;b', 5);\ninsert into items (id, name) values (2, 'c');",
  },
];

async function appliedIds(database: Database, schema: string): Promise<string[]> {
  const r = await sql<{
    id: string;
  }>`select id from ${sql.id(schema, 'schema_migrations')} order by applied_at, id`.execute(database.db);
  return r.rows.map((row) => row.id);
}

async function tableExists(database: Database, schema: string, table: string): Promise<boolean> {
  const r = await sql<{
    found: string | null;
  }>`select to_regclass(${`${schema}.${table}`})::text as found`.execute(database.db);
  return r.rows[0]?.found != null;
}

after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  const opts = kind === 'pg' ? await needs('postgres') : {};

  describe(`migrate (${kind})`, opts, () => {
    let target: DatabaseTarget;
    const schemas: string[] = [];
    const handles: Database[] = [];

    function open(schema: string): Database {
      const database = createDatabase(target, schema);
      handles.push(database);
      return database;
    }
    function newSchema(): string {
      const s = uniqueSchema('mig');
      schemas.push(s);
      return s;
    }

    before(async () => {
      target = await testTarget(kind);
    });
    after(async () => {
      for (const h of handles) await h.close();
      for (const s of schemas) await dropSchema(target, s);
    });

    test('applies pending migrations in order, once, into the schema, and records each with its checksum', async () => {
      const schema = newSchema();
      const database = open(schema);
      const done = await migrate(database, base);
      assert.deepEqual(done, ['0001_items', '0002_items_price', '0003_seed']);
      const items = await sql<{ id: number; name: string; price: number }>`
        select id, name, price from ${sql.id(schema, 'items')} order by id`.execute(database.db);
      assert.deepEqual(items.rows, [
        { id: 1, name: 'a;b', price: 5 },
        { id: 2, name: 'c', price: 0 },
      ]);
      const recorded = await sql<{ id: string; checksum: string }>`
        select id, checksum from ${sql.id(schema, 'schema_migrations')} order by id`.execute(database.db);
      assert.deepEqual(
        recorded.rows.map((r) => r.id),
        ['0001_items', '0002_items_price', '0003_seed'],
      );
      for (const r of recorded.rows) assert.match(r.checksum, /^[0-9a-f]{64}$/);
      // Unqualified names landed in the service schema, not in public.
      assert.equal(await tableExists(database, 'public', 'items'), false);
    });

    test("migrations see the kit's contrib extensions (unaccent, pg_trgm, fuzzystrmatch) by unqualified name", async () => {
      const schema = newSchema();
      const database = open(schema);
      await migrate(database, [
        {
          id: '0001_folded',
          sql: `create text search configuration folded (copy = simple);
            alter text search configuration folded alter mapping for word, hword, hword_part with unaccent, simple;
            create table words as select unaccent('Crème Brûlée') as plain, similarity('farmhose', 'farmhouse') > 0.5 as near,
              levenshtein('farmhose', 'farmhouse') as edits, to_tsvector('folded', 'Crème Brûlée')::text as vector`,
        },
      ]);
      const row = await sql<{ plain: string; near: boolean; edits: number; vector: string }>`
        select plain, near, edits, vector from ${sql.id(schema, 'words')}`.execute(database.db);
      assert.deepEqual(row.rows, [
        { plain: 'Creme Brulee', near: true, edits: 1, vector: "'brulee':2 'creme':1" },
      ]);
      const ext = await sql<{ extname: string; nspname: string }>`
        select extname, nspname from pg_extension join pg_namespace n on n.oid = extnamespace
        where extname in ('unaccent', 'pg_trgm', 'fuzzystrmatch') order by extname`.execute(database.db);
      assert.deepEqual(
        ext.rows.map((r) => `${r.extname}@${r.nspname}`),
        ['fuzzystrmatch@public', 'pg_trgm@public', 'unaccent@public'],
      );
    });

    test('a re-run applies nothing and changes no data; a new migration is applied alone', async () => {
      const schema = newSchema();
      const database = open(schema);
      await migrate(database, base);
      assert.deepEqual(await migrate(database, base), []);
      const count = await sql<{
        n: number;
      }>`select count(*)::int as n from ${sql.id(schema, 'items')}`.execute(database.db);
      assert.equal(count.rows[0]?.n, 2, 'the seed did not run twice');
      const next = { id: '0004_more', sql: "insert into items (id, name) values (3, 'd')" };
      assert.deepEqual(await migrate(database, [...base, next]), ['0004_more']);
      assert.deepEqual(await appliedIds(database, schema), [
        '0001_items',
        '0002_items_price',
        '0003_seed',
        '0004_more',
      ]);
    });

    test('an applied migration edited afterwards raises MigrationChecksumError and applies nothing else', async () => {
      const schema = newSchema();
      const database = open(schema);
      await migrate(database, base);
      const edited = [{ ...base[0]!, sql: `${base[0]!.sql} -- changed` }, base[1]!, base[2]!];
      const pending = { id: '0004_more', sql: 'create table more (id int)' };
      await assert.rejects(migrate(database, [...edited, pending]), (err: unknown) => {
        assert.ok(err instanceof MigrationChecksumError);
        assert.match(err.message, /0001_items/);
        assert.match(err.message, new RegExp(schema));
        return true;
      });
      assert.equal(await tableExists(database, schema, 'more'), false);
      assert.deepEqual(await appliedIds(database, schema), ['0001_items', '0002_items_price', '0003_seed']);
    });

    test('line endings are not an edit: the same migration saved with CRLF passes', async () => {
      const schema = newSchema();
      const database = open(schema);
      const lf = { id: '0001_x', sql: 'create table x (\n  id int\n)' };
      await migrate(database, [lf]);
      assert.deepEqual(await migrate(database, [{ ...lf, sql: lf.sql.replaceAll('\n', '\r\n') }]), []);
    });

    test('a failing migration rolls back the whole run', async () => {
      const schema = newSchema();
      const database = open(schema);
      const broken = { id: '0004_broken', sql: 'alter table nowhere add column y int' };
      await assert.rejects(migrate(database, [...base, broken]));
      assert.equal(await tableExists(database, schema, 'items'), false);
      assert.deepEqual(await migrate(database, base), ['0001_items', '0002_items_price', '0003_seed']);
    });

    test('duplicate migration ids are refused before anything runs', async () => {
      const schema = newSchema();
      const database = open(schema);
      await assert.rejects(migrate(database, [base[0]!, base[0]!]), /duplicate migration id 0001_items/);
      assert.equal(await tableExists(database, schema, 'schema_migrations'), false);
    });

    test('two concurrent migrate() calls on one schema both succeed and apply each migration exactly once', async () => {
      const schema = newSchema();
      // Two handles: on PostgreSQL two pools, hence two connections racing for the advisory lock.
      const a = open(schema);
      const b = open(schema);
      const counted: Migration[] = [
        ...base,
        { id: '0004_runs', sql: 'create table runs (n int); insert into runs values (1);' },
      ];
      const [ra, rb] = await Promise.all([migrate(a, counted), migrate(b, counted)]);
      const all = [...ra, ...rb].sort();
      assert.deepEqual(all, counted.map((m) => m.id).sort(), 'each migration applied by exactly one caller');
      assert.ok(ra.length === 0 || rb.length === 0, 'one caller applied everything, the other nothing');
      const runs = await sql<{ n: number }>`select count(*)::int as n from ${sql.id(schema, 'runs')}`.execute(
        a.db,
      );
      assert.equal(runs.rows[0]?.n, 1);
      assert.deepEqual((await appliedIds(a, schema)).sort(), counted.map((m) => m.id).sort());
    });

    test('concurrent runs on different schemas do not block each other into failure', async () => {
      const s1 = newSchema();
      const s2 = newSchema();
      const [r1, r2] = await Promise.all([migrate(open(s1), base), migrate(open(s2), base)]);
      assert.equal(r1.length, 3);
      assert.equal(r2.length, 3);
    });

    describe('repeatable migrations', () => {
      // A function over items (0001) reading a column of 0002: created before them, it fails.
      const priced = (version: string, extra = ''): Migration => ({
        id: 'repeatable/priced',
        repeatable: true,
        sql: `${extra}create or replace function priced() returns text language sql stable set search_path from current
          as $$ select '${version}:' || count(*) filter (where price > 0) from items $$;`,
      });
      // Counts its runs: a repeatable file applied again adds a row.
      const counted = (version: string): Migration =>
        priced(version, 'create table if not exists runs (n serial); insert into runs default values;\n');
      const read = async (database: Database, schema: string) =>
        (await sql<{ v: string }>`select ${sql.id(schema, 'priced')}() as v`.execute(database.db)).rows[0]?.v;
      const runs = async (database: Database, schema: string) =>
        (
          await sql<{ n: number }>`select count(*)::int as n from ${sql.id(schema, 'runs')}`.execute(
            database.db,
          )
        ).rows[0]?.n;
      const recorded = async (database: Database, schema: string) =>
        (
          await sql<{ id: string; checksum: string }>`
            select id, checksum from ${sql.id(schema, 'schema_repeatables')} order by id`.execute(database.db)
        ).rows;

      test('it runs after every numbered migration, even one given after it, and is recorded apart from them', async () => {
        const schema = newSchema();
        const database = open(schema);
        const done = await migrate(database, [priced('v1'), ...base]);
        assert.deepEqual(done, ['0001_items', '0002_items_price', '0003_seed', 'repeatable/priced']);
        assert.equal(await read(database, schema), 'v1:1');
        assert.deepEqual(await appliedIds(database, schema), ['0001_items', '0002_items_price', '0003_seed']);
        const rows = await recorded(database, schema);
        assert.deepEqual(
          rows.map((r) => r.id),
          ['repeatable/priced'],
        );
        assert.match(rows[0]!.checksum, /^[0-9a-f]{64}$/);
      });

      test('unchanged, it is not run again, not even when new numbered migrations run', async () => {
        const schema = newSchema();
        const database = open(schema);
        await migrate(database, [...base, counted('v1')]);
        assert.deepEqual(await migrate(database, [...base, counted('v1')]), []);
        const next = { id: '0004_more', sql: "insert into items (id, name, price) values (3, 'd', 7)" };
        assert.deepEqual(await migrate(database, [...base, next, counted('v1')]), ['0004_more']);
        assert.equal(await runs(database, schema), 1);
        assert.equal(await read(database, schema), 'v1:2', 'the function reads the rows of 0004');
      });

      test('changed, it runs again after the pending numbered migrations and records its new checksum', async () => {
        const schema = newSchema();
        const database = open(schema);
        await migrate(database, [...base, counted('v1')]);
        const before = await recorded(database, schema);
        // 0004 adds the column the new version needs: run before it, the new version would fail.
        const next = {
          id: '0004_sale',
          sql: 'alter table items add column sale boolean not null default false',
        };
        const v2: Migration = {
          ...counted('v2'),
          sql: `${counted('v2').sql}\ncreate or replace function on_sale() returns bigint language sql stable set search_path from current
            as $$ select count(*) from items where sale $$;`,
        };
        assert.deepEqual(await migrate(database, [...base, v2, next]), ['0004_sale', 'repeatable/priced']);
        assert.equal(await read(database, schema), 'v2:1');
        assert.equal(await runs(database, schema), 2);
        const after = await recorded(database, schema);
        assert.notEqual(after[0]!.checksum, before[0]!.checksum);
        assert.deepEqual(
          await migrate(database, [...base, next, v2]),
          [],
          'the new version is now the applied one',
        );
        // Line endings are not a change.
        assert.deepEqual(
          await migrate(database, [...base, next, { ...v2, sql: v2.sql.replaceAll('\n', '\r\n') }]),
          [],
        );
        assert.equal(await runs(database, schema), 2);
      });

      test('a failing repeatable rolls back the whole run: numbered migrations of the run and its own previous record stay as they were', async () => {
        const schema = newSchema();
        const database = open(schema);
        await migrate(database, [...base, counted('v1')]);
        const before = await recorded(database, schema);
        const next = { id: '0004_more', sql: 'create table more (id int)' };
        const broken: Migration = { ...counted('v2'), sql: `${counted('v2').sql}\nselect * from nowhere;` };
        await assert.rejects(migrate(database, [...base, next, broken]), /nowhere/);
        assert.equal(await tableExists(database, schema, 'more'), false);
        assert.deepEqual(await appliedIds(database, schema), ['0001_items', '0002_items_price', '0003_seed']);
        assert.deepEqual(await recorded(database, schema), before);
        assert.equal(await read(database, schema), 'v1:1');
        assert.equal(await runs(database, schema), 1);
        // On a new schema, nothing at all remains.
        const fresh = newSchema();
        const other = open(fresh);
        await assert.rejects(migrate(other, [...base, broken]));
        assert.equal(await tableExists(other, fresh, 'items'), false);
      });

      test('a repeatable id that repeats a numbered one is refused before anything runs', async () => {
        const schema = newSchema();
        const database = open(schema);
        await assert.rejects(
          migrate(database, [...base, { ...priced('v1'), id: '0001_items' }]),
          /duplicate migration id 0001_items/,
        );
        assert.equal(await tableExists(database, schema, 'schema_repeatables'), false);
      });

      test('two concurrent migrate() calls run a changed repeatable once', async () => {
        const schema = newSchema();
        const a = open(schema);
        const b = open(schema);
        await migrate(a, [...base, counted('v1')]);
        const [ra, rb] = await Promise.all([
          migrate(a, [...base, counted('v2')]),
          migrate(b, [...base, counted('v2')]),
        ]);
        assert.deepEqual([...ra, ...rb], ['repeatable/priced']);
        assert.equal(await runs(a, schema), 2);
        assert.equal(await read(b, schema), 'v2:1');
      });
    });

    test("the kit's own migrations create the outbox, inbox, dead-letter and idempotency tables", async () => {
      const schema = newSchema();
      const database = open(schema);
      const kit = await platformMigrations();
      assert.ok(kit.every((m) => m.id.startsWith('platform/')));
      await migrate(database, kit);
      for (const t of ['outbox', 'inbox', 'dead_letters', 'idempotency_keys']) {
        assert.equal(await tableExists(database, schema, t), true, t);
      }
    });
  });
}

describe('loadMigrations', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mercato-mig-'));
    await writeFile(join(dir, '0002_second.sql'), 'select 2;');
    await writeFile(join(dir, '0001_first.sql'), 'select 1;');
    await writeFile(join(dir, '0010_tenth.sql'), 'select 10;');
    await writeFile(join(dir, 'README.md'), 'not a migration');
    await mkdir(join(dir, 'repeatable'));
    await writeFile(join(dir, 'repeatable', 'b_second.sql'), 'select 2;');
    await writeFile(join(dir, 'repeatable', 'a_first.sql'), 'select 1;');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('reads the .sql files of a folder in name order, ids without the extension, with a prefix', async () => {
    const found = await loadMigrations(dir, 'svc/');
    const numbered = found.filter((m) => !m.repeatable);
    assert.deepEqual(
      numbered.map((m) => m.id),
      ['svc/0001_first', 'svc/0002_second', 'svc/0010_tenth'],
    );
    assert.equal(found[0]?.sql, 'select 1;');
  });

  test('the files of its repeatable/ folder come after the numbered ones, in name order, marked repeatable', async () => {
    const found = await loadMigrations(dir, 'svc/');
    assert.deepEqual(
      found.map((m) => [m.id, m.repeatable === true]),
      [
        ['svc/0001_first', false],
        ['svc/0002_second', false],
        ['svc/0010_tenth', false],
        ['svc/repeatable/a_first', true],
        ['svc/repeatable/b_second', true],
      ],
    );
  });

  test('a folder without repeatable/ has numbered migrations only; a missing folder is an error', async () => {
    const plain = await mkdtemp(join(tmpdir(), 'mercato-mig-'));
    try {
      await writeFile(join(plain, '0001_only.sql'), 'select 1;');
      assert.deepEqual(
        (await loadMigrations(plain)).map((m) => m.id),
        ['0001_only'],
      );
      await assert.rejects(loadMigrations(join(plain, 'absent')), /ENOENT/);
    } finally {
      await rm(plain, { recursive: true, force: true });
    }
  });
});
