import type { SelectQueryBuilder } from 'kysely';

/** Which page of a list a caller asked for (1-based). */
export interface PageWindow {
  page: number;
  pageSize: number;
}

/**
 * One page of a filtered query and the total count across pages: the count and the page
 * run from the same filtered builder, so they can never disagree on the filter.
 */
export async function fetchPage<DB, TB extends keyof DB, O>(
  filtered: SelectQueryBuilder<DB, TB, object>,
  window: PageWindow,
  select: (query: SelectQueryBuilder<DB, TB, object>) => SelectQueryBuilder<DB, TB, O>,
): Promise<{ rows: O[]; totalCount: number }> {
  const [count, rows] = await Promise.all([
    filtered.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    select(filtered)
      .limit(window.pageSize)
      .offset((window.page - 1) * window.pageSize)
      .execute(),
  ]);
  return { rows, totalCount: Number((count as { n: string | number }).n) };
}

/** A `%…%` ILIKE pattern in which `%`, `_` and `\` of the user's input match themselves. */
export function likePattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
