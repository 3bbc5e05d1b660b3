import { sql, type Kysely } from '@mercato/platform/db';
import type { CatalogDB } from '../db.ts';
import {
  corrections,
  searchQueries,
  searchWords,
  suggestion,
  withTranspositions,
  type Candidate,
  type TypedWord,
} from './search-terms.ts';

/** Where the search's SQL runs: the schema's query builder, and the names raw SQL needs. */
export interface SearchScope {
  db: Kysely<CatalogDB>;
  schema: string;
}

/** The text search configuration of the products' vectors (accents folded, then `simple`). */
export const searchConfig = (scope: SearchScope) => `${scope.schema}.store`;

/** A search resolved against the dictionary: its words and the tsqueries to match and rank with. */
export interface ResolvedSearch {
  text: string;
  words: TypedWord[];
  /** The typed words (the last as a prefix) and their synonyms. */
  exact: string;
  /** `exact` plus the typo corrections: what the listing matches. */
  expanded: string;
  /** "Did you mean": the nearest dictionary words, when some typed word is not one. */
  suggestion: string | undefined;
}

/** How many of the nearest dictionary words (by trigram word similarity) are checked per typed word. */
const CANDIDATES = 30;

/**
 * Resolves a search: folds its words (lower case, unaccent), finds for each the nearest
 * dictionary words (pg_trgm's `<<->`, GiST-indexed) with their Levenshtein distances, and
 * the admin's synonyms. Two statements. Undefined when the text has no words.
 */
export async function resolveSearch(scope: SearchScope, text: string): Promise<ResolvedSearch | undefined> {
  const raw = searchWords(text);
  if (raw.length === 0) return undefined;
  const words = sql.id(scope.schema, 'search_words');
  const last = raw.length;
  const rows = await sql<{
    ord: string;
    folded: string;
    known: boolean;
    word: string | null;
    distance: number | null;
    prefix_distance: number | null;
  }>`
    select q.ord, q.folded, c.word, c.distance, c.prefix_distance,
      case when q.ord = ${last}
        -- folded words are letters and digits only: nothing to escape in the pattern
        then exists (select 1 from ${words} k where k.word like q.folded || '%')
        else exists (select 1 from ${words} k where k.word = q.folded) end as known
    from (
      select t.ord, lower(unaccent(t.raw)) as folded
      from unnest(${raw}::text[]) with ordinality as t(raw, ord)
    ) q
    left join lateral (
      select d.word,
        levenshtein_less_equal(d.word, q.folded, 3) as distance,
        -- the nearest of the word's prefixes two letters shorter to two longer than the typed word
        (select min(levenshtein_less_equal(left(d.word, length(q.folded) + n), q.folded, 3))
          from generate_series(-2, 2) as n) as prefix_distance
      from (
        (select n.word from ${words} n order by q.folded <<-> n.word limit ${CANDIDATES})
        union
        -- trigrams say little about words of 4 letters or less: those within two edits, by scan
        (select s.word from ${words} s
          where length(q.folded) <= 4
            and length(s.word) between length(q.folded) - 2 and length(q.folded) + 2
            and levenshtein_less_equal(s.word, q.folded, 2) <= 2
          limit ${CANDIDATES})
      ) d
    ) c on true
    order by q.ord`.execute(scope.db);

  const typed = new Map<number, TypedWord>();
  for (const r of rows.rows) {
    const ord = Number(r.ord);
    let w = typed.get(ord);
    if (!w) {
      w = { folded: r.folded, known: r.known, prefix: ord === last, candidates: [], synonyms: [] };
      typed.set(ord, w);
    }
    if (r.word !== null) {
      const c: Candidate = {
        word: r.word,
        distance: r.distance ?? 3,
        prefixDistance: r.prefix_distance ?? 3,
      };
      w.candidates.push(withTranspositions(c, w.folded));
    }
  }
  const list = [...typed.entries()].sort((a, b) => a[0] - b[0]).map(([, w]) => w);
  await addSynonyms(scope, list);
  const queries = searchQueries(list);
  if (!queries) return undefined;
  return { text, words: list, ...queries, suggestion: suggestion(list) };
}

/** Adds to each typed word the other terms of the synonym groups that hold it or one of its corrections. */
async function addSynonyms(scope: SearchScope, words: TypedWord[]): Promise<void> {
  const keys = words.map((w) => [w.folded, ...corrections(w)]);
  const folded = keys.flat();
  const groups = await scope.db
    .selectFrom('search_synonyms')
    .select('words')
    .where(sql<boolean>`words && ${folded}::text[]`)
    .execute();
  for (const [i, w] of words.entries()) {
    const own = keys[i]!;
    for (const g of groups) {
      if (!g.words.some((t) => own.includes(t))) continue;
      for (const term of g.words) if (!own.includes(term)) w.synonyms.push(term.split(' '));
    }
  }
}
