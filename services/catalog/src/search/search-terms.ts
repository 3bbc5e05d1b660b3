// How a typed search becomes a tsquery: the words, the edits each may have, the dictionary
// words and synonyms that stand in for each, and the highlights of a matched name. Pure
// functions; the SQL that finds the candidates is in search-repository.ts.

/** The words of a search (letters and digits only: user input never reaches tsquery syntax). */
export function searchWords(text: string): string[] {
  return (text.match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 10);
}

/** Typo tolerance: one edit for words of 5+ letters, two for 9+, none for shorter ones. */
export function allowedEdits(word: string): number {
  const length = [...word].length;
  return length >= 9 ? 2 : length >= 5 ? 1 : 0;
}

/** A dictionary word near a typed word: its edit distance to it, and to its prefix of the same length. */
export interface Candidate {
  word: string;
  /** levenshtein(word, typed), capped at 3 */
  distance: number;
  /** the least levenshtein(a prefix of the word of |typed| ± 2 letters, typed), capped at 3 */
  prefixDistance: number;
}

/** One typed word, folded (lower case, no accents) as the product vectors are. */
export interface TypedWord {
  folded: string;
  /** The dictionary has the word (the last word: some word starts with it): it is not corrected. */
  known: boolean;
  /** The last word of the search, which matches as a prefix (type-ahead). */
  prefix: boolean;
  candidates: Candidate[];
  /** Folded synonyms of the word (phrases as their words), from the admin's synonym groups. */
  synonyms: string[][];
}

/** Whether `a` is `b` with two adjacent letters swapped (one typo, two Levenshtein edits). */
export function isTransposition(a: string, b: string): boolean {
  if (a.length !== b.length || a === b) return false;
  let i = 0;
  while (a[i] === b[i]) i++;
  return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}

/** A candidate with an adjacent swap counted as one edit (Levenshtein counts two). */
export function withTranspositions(c: Candidate, typed: string): Candidate {
  const distance = isTransposition(c.word, typed) ? 1 : c.distance;
  const prefixDistance = isTransposition(c.word.slice(0, typed.length), typed) ? 1 : c.prefixDistance;
  return {
    word: c.word,
    distance: Math.min(distance, c.distance),
    prefixDistance: Math.min(prefixDistance, c.prefixDistance),
  };
}

/** A tsquery lexeme in quotes (tsquery's own quoting: ' and \ are escaped by doubling/backslash). */
export function lexeme(word: string, prefix = false): string {
  return `'${word.replace(/\\/g, '\\\\').replace(/'/g, "''")}'${prefix ? ':*' : ''}`;
}

/** A synonym as tsquery: a word, or a phrase of adjacent words; its last word a prefix when `prefix`. */
function phrase(words: string[], prefix: boolean): string {
  const parts = words.map((w, i) => lexeme(w, prefix && i === words.length - 1));
  return parts.length === 1 ? parts[0]! : `(${parts.join(' <-> ')})`;
}

/** The dictionary words that count as the typed word: within its allowed edits (prefix too, for the last word). */
export function corrections(w: TypedWord): string[] {
  const k = allowedEdits(w.folded);
  if (k === 0 || w.known) return [];
  return w.candidates
    .filter((c) => c.word !== w.folded && (c.distance <= k || (w.prefix && c.prefixDistance <= k)))
    .map((c) => c.word);
}

/**
 * The tsqueries of a search: `exact` (the typed words and their synonyms) and `expanded`
 * (also the typo corrections). Every word must match (AND); its alternatives are ORs.
 * Undefined when the search has no words.
 */
export function searchQueries(words: TypedWord[]): { exact: string; expanded: string } | undefined {
  if (words.length === 0) return undefined;
  const term = (w: TypedWord, fuzzy: boolean) => {
    const alternatives = new Set([lexeme(w.folded, w.prefix), ...w.synonyms.map((p) => phrase(p, w.prefix))]);
    if (fuzzy) for (const c of corrections(w)) alternatives.add(lexeme(c));
    return alternatives.size === 1 ? [...alternatives][0]! : `(${[...alternatives].join(' | ')})`;
  };
  return {
    exact: words.map((w) => term(w, false)).join(' & '),
    expanded: words.map((w) => term(w, true)).join(' & '),
  };
}

/**
 * "Did you mean": each word replaced by its nearest dictionary word within its allowed edits,
 * at least one (the typed word itself when it is in the dictionary or nothing is near).
 * Undefined when that changes nothing.
 */
export function suggestion(words: TypedWord[]): string | undefined {
  let changed = false;
  const out = words.map((w) => {
    if (w.known) return w.folded;
    const best = [...w.candidates]
      .filter((c) => c.distance <= Math.max(1, allowedEdits(w.folded)))
      // the fewest edits, then the closest length, then alphabetical: the same on every runtime
      .sort(
        (a, b) =>
          a.distance - b.distance ||
          Math.abs(a.word.length - w.folded.length) - Math.abs(b.word.length - w.folded.length) ||
          (a.word < b.word ? -1 : a.word > b.word ? 1 : 0),
      )[0];
    if (!best) return w.folded;
    changed = true;
    return best.word;
  });
  return changed ? out.join(' ') : undefined;
}

/** Marks ts_headline puts around a matched word (control characters no name contains). */
export const MARK_START = '\u0002';
export const MARK_END = '\u0003';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A ts_headline result with MARK_START/MARK_END as HTML: the text escaped, matches in <mark>. */
export function highlightHtml(marked: string): string {
  return marked
    .split(MARK_START)
    .map((part, i) => {
      if (i === 0) return escapeHtml(part);
      const end = part.indexOf(MARK_END);
      return end < 0
        ? escapeHtml(part)
        : `<mark>${escapeHtml(part.slice(0, end))}</mark>${escapeHtml(part.slice(end + 1))}`;
    })
    .join('');
}
