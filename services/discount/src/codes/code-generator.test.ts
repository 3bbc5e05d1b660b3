import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CODE_ALPHABET, randomCodes } from './code-generator.ts';

test('generated codes are distinct, prefixed and free of ambiguous characters', () => {
  const codes = randomCodes(10_000, 'SPRING-', 8);
  assert.equal(new Set(codes).size, 10_000);
  for (const c of codes) {
    assert.match(c, /^SPRING-[A-Z2-9]{8}$/);
    assert.doesNotMatch(c.slice(7), /[01OIL]/);
  }
  assert.doesNotMatch(CODE_ALPHABET, /[01OIL]/);
  assert.equal(new Set(CODE_ALPHABET).size, CODE_ALPHABET.length);
});
