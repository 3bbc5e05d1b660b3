import { sql, type Kysely, type Selectable } from '@mercato/platform/db';
import type { CatalogDB, SearchSynonymsTable } from '../db.ts';
import { searchWords } from './search-terms.ts';
import type { Synonym } from './synonym.ts';

function toSynonym(
  row: Pick<Selectable<SearchSynonymsTable>, 'id' | 'terms' | 'created_at' | 'updated_at'>,
): Synonym {
  return {
    id: row.id,
    terms: row.terms,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

const columns = ['id', 'terms', 'created_at', 'updated_at'] as const;

/** Each term folded as product vectors are: its words, lower case, unaccented, joined by one space. */
const folded = (terms: string[]) =>
  sql<string[]>`(select array_agg(lower(unaccent(t)) order by o)
    from unnest(${terms.map((t) => searchWords(t).join(' '))}::text[]) with ordinality as x(t, o))`;

/** The terms' words join the dictionary, so a typo of a synonym is corrected to it. */
async function addWords(trx: Kysely<CatalogDB>, terms: string[]): Promise<void> {
  await trx
    .insertInto('search_words')
    .columns(['word'])
    .expression(
      sql`select distinct lower(unaccent(w)) from unnest(${terms.flatMap(searchWords)}::text[]) as w`,
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** SQL of synonym groups. Write methods take the caller's transaction. */
export const synonymRepository = {
  async page(db: Kysely<CatalogDB>, page: number, pageSize: number) {
    const [rows, count] = await Promise.all([
      db
        .selectFrom('search_synonyms')
        .select(columns)
        .orderBy('created_at')
        .orderBy('id')
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .execute(),
      db
        .selectFrom('search_synonyms')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toSynonym), totalCount: Number(count.n) };
  },
  async find(db: Kysely<CatalogDB>, id: string): Promise<Synonym | undefined> {
    const row = await db
      .selectFrom('search_synonyms')
      .select(columns)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toSynonym(row);
  },
  async insert(trx: Kysely<CatalogDB>, id: string, terms: string[]): Promise<Synonym> {
    await addWords(trx, terms);
    const row = await trx
      .insertInto('search_synonyms')
      .values({ id, terms, words: folded(terms) })
      .returning(columns)
      .executeTakeFirstOrThrow();
    return toSynonym(row);
  },
  async update(trx: Kysely<CatalogDB>, id: string, terms: string[]): Promise<Synonym | undefined> {
    await addWords(trx, terms);
    const row = await trx
      .updateTable('search_synonyms')
      .set({ terms, words: folded(terms), updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .returning(columns)
      .executeTakeFirst();
    return row && toSynonym(row);
  },
  async delete(trx: Kysely<CatalogDB>, id: string): Promise<boolean> {
    const res = await trx.deleteFrom('search_synonyms').where('id', '=', id).executeTakeFirst();
    return res.numDeletedRows > 0n;
  },
};
