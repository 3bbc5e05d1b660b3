import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { rateFor, rateTableProblems } from './rate-table.ts';

describe('rate tables', () => {
  const table = [
    { upTo: 1000, amount: 495 },
    { upTo: 5000, amount: 795 },
    { upTo: null, amount: 1495 },
  ];

  test('a measure is priced by the first bracket whose bound holds it, bounds inclusive', () => {
    assert.equal(rateFor(table, 0), 495);
    assert.equal(rateFor(table, 1000), 495);
    assert.equal(rateFor(table, 1001), 795);
    assert.equal(rateFor(table, 50_000), 1495);
  });

  test('a bounded table does not serve what is past its last bound', () => {
    assert.equal(rateFor(table.slice(0, 2), 5001), undefined);
  });

  test('brackets out of order, repeated, or unbounded before the last are reported', () => {
    assert.deepEqual(rateTableProblems(table), []);
    assert.equal(
      rateTableProblems([
        { upTo: 500, amount: 1 },
        { upTo: 500, amount: 2 },
      ]).length,
      1,
    );
    assert.equal(
      rateTableProblems([
        { upTo: 900, amount: 1 },
        { upTo: 100, amount: 2 },
      ]).length,
      1,
    );
    assert.equal(
      rateTableProblems([
        { upTo: null, amount: 1 },
        { upTo: 100, amount: 2 },
      ]).length,
      1,
    );
  });
});
