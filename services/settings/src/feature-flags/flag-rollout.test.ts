import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { evaluateFlag, rolloutBucket } from './flag-rollout.ts';

const flag = (over: Partial<Parameters<typeof evaluateFlag>[0]> = {}) => ({
  key: 'beta',
  enabled: true,
  rolloutPercentage: 100,
  allowList: [] as string[],
  denyList: [] as string[],
  ...over,
});

describe('rollout bucket', () => {
  test('is the first 4 bytes of sha256("key:subject") as a big-endian uint32, mod 10000', () => {
    const digest = createHash('sha256').update('beta:user-42').digest();
    const expected = ((digest[0]! << 24) >>> 0) + (digest[1]! << 16) + (digest[2]! << 8) + digest[3]!;
    assert.equal(rolloutBucket('beta', 'user-42'), expected % 10_000);
  });

  test('matches recorded values, so a change of the hashing is caught (it would reshuffle every rollout)', () => {
    // Computed once with a one-liner straight from the rule, independent of this module.
    assert.deepEqual(
      ['user-1', 'user-2', 'user-3'].map((s) => rolloutBucket('beta', s)),
      [1568, 8646, 9368],
    );
  });

  test('is stable for a subject and differs between flags', () => {
    assert.equal(rolloutBucket('beta', 'u1'), rolloutBucket('beta', 'u1'));
    const subjects = Array.from({ length: 200 }, (_, i) => `u${i}`);
    const a = subjects.map((s) => rolloutBucket('flag-a', s));
    const b = subjects.map((s) => rolloutBucket('flag-b', s));
    assert.notDeepEqual(a, b);
    for (const x of a) assert.ok(Number.isInteger(x) && x >= 0 && x < 10_000);
  });

  test('spreads subjects evenly: each 10 % band holds 8–12 % of 20,000 subjects', () => {
    const bands = new Array<number>(10).fill(0);
    for (let i = 0; i < 20_000; i++) bands[Math.floor(rolloutBucket('spread', `s${i}`) / 1000)]!++;
    for (const n of bands) assert.ok(n >= 1_600 && n <= 2_400, `band holds ${n}`);
  });
});

describe('flag evaluation', () => {
  test('a disabled flag is off for everyone, allow-listed included', () => {
    assert.deepEqual(evaluateFlag(flag({ enabled: false, allowList: ['vip'] }), 'vip'), {
      enabled: false,
      reason: 'flag_disabled',
    });
  });

  test('the deny list beats the allow list', () => {
    assert.deepEqual(evaluateFlag(flag({ allowList: ['x'], denyList: ['x'] }), 'x'), {
      enabled: false,
      reason: 'denied',
    });
  });

  test('the allow list beats the rollout', () => {
    assert.deepEqual(evaluateFlag(flag({ rolloutPercentage: 0, allowList: ['x'] }), 'x'), {
      enabled: true,
      reason: 'allow_listed',
    });
  });

  test('0 % is nobody and 100 % is everybody', () => {
    for (let i = 0; i < 1_000; i++) {
      assert.equal(evaluateFlag(flag({ rolloutPercentage: 0 }), `s${i}`).reason, 'not_in_rollout');
      assert.equal(evaluateFlag(flag({ rolloutPercentage: 100 }), `s${i}`).reason, 'in_rollout');
    }
  });

  test('a subject is in a p % rollout exactly when its bucket is below p × 100', () => {
    for (let i = 0; i < 2_000; i++) {
      const subject = `s${i}`;
      const bucket = rolloutBucket('beta', subject);
      const result = evaluateFlag(flag({ rolloutPercentage: 37 }), subject);
      assert.equal(result.enabled, bucket < 3_700, `bucket ${bucket}`);
      assert.equal(result.reason, bucket < 3_700 ? 'in_rollout' : 'not_in_rollout');
    }
  });

  test('a 30 % rollout turns on 27–33 % of 10,000 subjects', () => {
    let on = 0;
    for (let i = 0; i < 10_000; i++)
      if (evaluateFlag(flag({ rolloutPercentage: 30 }), `subject-${i}`).enabled) on++;
    assert.ok(on >= 2_700 && on <= 3_300, `${on} of 10,000 subjects are in a 30 % rollout`);
  });

  test('raising the percentage only adds subjects (nobody flips off)', () => {
    const subjects = Array.from({ length: 2_000 }, (_, i) => `s${i}`);
    const at = (p: number) =>
      new Set(subjects.filter((s) => evaluateFlag(flag({ rolloutPercentage: p }), s).enabled));
    const ten = at(10);
    const fifty = at(50);
    for (const s of ten) assert.ok(fifty.has(s), `${s} is on at 10 % but off at 50 %`);
    assert.ok(fifty.size > ten.size);
  });
});
