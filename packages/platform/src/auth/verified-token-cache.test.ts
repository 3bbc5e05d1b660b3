import type { Principal } from './principal.ts';
import type { TokenVerifier } from './token-verifier.ts';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cachingVerifier } from './verified-token-cache.ts';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const token = (exp: number, n = 0) => `${b64({ alg: 'EdDSA' })}.${b64({ exp, n })}.sig`;
const now = () => Math.floor(Date.now() / 1000);

function counting(): TokenVerifier & { calls: number } {
  const v = {
    calls: 0,
    async verify(t: string): Promise<Principal> {
      v.calls += 1;
      if (t.endsWith('.bad')) throw new Error('bad');
      return { subject: 's', kind: 'user', roles: [], permissions: [], scopes: [], tier: 'authenticated' };
    },
  };
  return v;
}

describe('cachingVerifier', () => {
  it('verifies a token once while it is valid, and every different token', async () => {
    const inner = counting();
    const v = cachingVerifier(inner, 10);
    const t = token(now() + 600);
    await v.verify(t);
    await v.verify(t);
    assert.equal(inner.calls, 1);
    await v.verify(token(now() + 600, 1));
    assert.equal(inner.calls, 2);
  });

  it('never caches failures nor tokens at or past their expiry', async () => {
    const inner = counting();
    const v = cachingVerifier(inner, 10);
    const bad = `${token(now() + 600)}.bad`;
    await assert.rejects(v.verify(bad));
    await assert.rejects(v.verify(bad));
    // Within the verifier's clock tolerance an expired token may verify; it is not remembered.
    const expired = token(now() - 1);
    await v.verify(expired);
    await v.verify(expired);
    assert.equal(inner.calls, 4);
  });

  it('keeps at most maxEntries, dropping the oldest; 0 turns caching off', async () => {
    const inner = counting();
    const v = cachingVerifier(inner, 2);
    const [a, b, c] = [0, 1, 2].map((n) => token(now() + 600, n)) as [string, string, string];
    for (const t of [a, b, c, c, b, a]) await v.verify(t);
    assert.equal(inner.calls, 4, 'a was evicted by c');
    const off = counting();
    const plain = cachingVerifier(off, 0);
    await plain.verify(a);
    await plain.verify(a);
    assert.equal(off.calls, 2);
  });
});
