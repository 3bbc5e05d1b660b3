import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  allowedEdits,
  highlightHtml,
  isTransposition,
  withTranspositions,
  MARK_END,
  MARK_START,
  searchQueries,
  searchWords,
  suggestion,
  type TypedWord,
} from './search-terms.ts';

const word = (folded: string, over: Partial<TypedWord> = {}): TypedWord => ({
  folded,
  known: false,
  prefix: false,
  candidates: [],
  synonyms: [],
  ...over,
});

test('typed text yields its letter-and-digit words only, never tsquery syntax', () => {
  assert.deepEqual(searchWords(" Crème-brûlée & 'torch':* | !x2 "), ['Crème', 'brûlée', 'torch', 'x2']);
  assert.deepEqual(searchWords('&|!():*'), []);
});

test('words of 5+ letters allow one edit, 9+ two, shorter none (letters, not bytes)', () => {
  assert.deepEqual(['mug', 'lamp', 'torch', 'farmhouse', 'brûlé'].map(allowedEdits), [0, 0, 1, 2, 1]);
});

test('the query ANDs words, ORs each with its synonyms and (expanded only) its corrections; the last is a prefix', () => {
  const words = [
    word('farmouse', {
      candidates: [
        { word: 'farmhouse', distance: 1, prefixDistance: 1 },
        { word: 'warehouse', distance: 3, prefixDistance: 3 },
      ],
    }),
    word('tee', { synonyms: [['t', 'shirt']] }),
    word("reed's", {
      prefix: true,
      known: true,
      candidates: [{ word: 'reeds', distance: 1, prefixDistance: 0 }],
    }),
  ];
  assert.deepEqual(searchQueries(words), {
    exact: `'farmouse' & ('tee' | ('t' <-> 'shirt')) & 'reed''s':*`,
    expanded: `('farmouse' | 'farmhouse') & ('tee' | ('t' <-> 'shirt')) & 'reed''s':*`,
  });
  assert.equal(searchQueries([]), undefined);
});

test('"did you mean" takes the nearest word: fewest edits, then closest length, then alphabetical', () => {
  const typed = word('mgu', {
    candidates: [
      { word: 'mugs', distance: 1, prefixDistance: 1 },
      { word: 'mug', distance: 1, prefixDistance: 1 },
      { word: 'magic', distance: 3, prefixDistance: 3 },
    ],
  });
  assert.equal(suggestion([word('farmhouse', { known: true }), typed]), 'farmhouse mug');
  assert.equal(suggestion([word('farmhouse', { known: true })]), undefined);
  assert.equal(
    suggestion([word('qqq', { candidates: [{ word: 'q', distance: 2, prefixDistance: 0 }] })]),
    undefined,
  );
});

test('an adjacent swap is one edit, for the whole word and for its prefix', () => {
  assert.deepEqual(withTranspositions({ word: 'mug', distance: 2, prefixDistance: 2 }, 'mgu'), {
    word: 'mug',
    distance: 1,
    prefixDistance: 1,
  });
  assert.deepEqual(withTranspositions({ word: 'diffuser', distance: 3, prefixDistance: 2 }, 'difuf'), {
    word: 'diffuser',
    distance: 3,
    prefixDistance: 1,
  });
  assert.equal(isTransposition('abc', 'abc'), false);
  assert.equal(isTransposition('abcd', 'badc'), false);
});

test('highlights are HTML: the text escaped, the marked words in <mark>', () => {
  assert.equal(
    highlightHtml(`Home & ${MARK_START}Kitchen${MARK_END} <b>`),
    'Home &#38; <mark>Kitchen</mark> &#60;b&#62;',
  );
});
