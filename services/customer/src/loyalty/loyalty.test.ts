import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pointsFor, standing, tierOf } from './loyalty.ts';

describe('loyalty rules', () => {
  test('points are whole currency units times the rate, rounded down, whatever the currency exponent', () => {
    assert.equal(pointsFor(12_999, 'EUR', 1), 129);
    assert.equal(pointsFor(12_999, 'JPY', 0.01), 129);
    assert.equal(pointsFor(12_999, 'EUR', 2.5), 324);
    assert.equal(pointsFor(0, 'EUR', 1), 0);
    assert.equal(pointsFor(500, 'EUR', 0), 0);
  });

  test('tiers follow the balance at their thresholds', () => {
    assert.equal(tierOf(0), 'bronze');
    assert.equal(tierOf(999), 'bronze');
    assert.equal(tierOf(1_000), 'silver');
    assert.equal(tierOf(5_000), 'gold');
    assert.equal(tierOf(20_000), 'platinum');
  });

  test('the standing names the next tier and the points it needs, none at the top', () => {
    assert.deepEqual(standing(400).nextTier, { name: 'silver', pointsNeeded: 600 });
    assert.equal(standing(25_000).nextTier, null);
  });
});
