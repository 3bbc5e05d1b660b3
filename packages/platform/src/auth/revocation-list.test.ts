import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EventEnvelope } from '@mercato/contracts';
import { newId } from '../ids/index.ts';
import type { Principal } from './principal.ts';
import { withRevocations } from './revocation-guard.ts';
import { createRevocationList, MAX_ACCESS_TOKEN_TTL_SECONDS } from './revocation-list.ts';
import { InvalidTokenError, type TokenVerifier } from './token-verifier.ts';
import { cachingVerifier } from './verified-token-cache.ts';

const T0 = Date.parse('2026-12-01T12:00:00.000Z');
const DAY = MAX_ACCESS_TOKEN_TTL_SECONDS * 1000;

function event(type: string, data: Record<string, unknown>, at = T0): EventEnvelope {
  return {
    id: newId(),
    type,
    version: 1,
    source: 'identity',
    time: new Date(at).toISOString(),
    subject: String(data.userId ?? data.apiKeyId ?? data.clientId),
    correlationId: newId(),
    data,
  };
}

function principal(p: Partial<Principal> & Pick<Principal, 'subject' | 'kind'>): Principal {
  return { roles: [], permissions: [], scopes: [], tier: 'authenticated', ...p };
}

/** A list on a clock the test moves. */
function listAt(start = T0) {
  const clock = { now: start };
  return { clock, list: createRevocationList({ now: () => clock.now }) };
}

describe('revocation list', () => {
  test('a revoked API key refuses the tokens exchanged for it, not those of the owner’s other keys', () => {
    const { list } = listAt();
    list.apply(event('identity.api_key_revoked', { apiKeyId: 'key-1', userId: 'u-1', revokedBy: 'u-1' }));
    const ofKey = (apiKeyId: string) =>
      principal({ subject: 'u-1', kind: 'api_key', apiKeyId, accountVersion: 1 });
    assert.match(list.check(ofKey('key-1')) ?? '', /API key was revoked/);
    assert.equal(list.check(ofKey('key-2')), undefined);
    assert.equal(list.check(principal({ subject: 'u-1', kind: 'user', accountVersion: 1 })), undefined);
  });

  test('a disabled account or a roles change refuses the tokens issued before it (user and API-key tokens), not those issued after', () => {
    for (const type of ['user.disabled', 'user.roles_changed']) {
      const { list } = listAt();
      list.apply(event(type, { userId: 'u-1', version: 3, changedBy: 'admin' }));
      const user = (accountVersion?: number) =>
        principal({ subject: 'u-1', kind: 'user', ...(accountVersion ? { accountVersion } : {}) });
      assert.match(list.check(user(2)) ?? '', /disabled or its roles changed/, type);
      assert.ok(list.check(user()), `${type}: a token without a version predates it`);
      assert.ok(list.check(principal({ subject: 'u-1', kind: 'api_key', apiKeyId: 'k', accountVersion: 2 })));
      assert.equal(list.check(user(3)), undefined, `${type}: issued after the change`);
      assert.equal(list.check(principal({ subject: 'u-2', kind: 'user', accountVersion: 1 })), undefined);
    }
  });

  test('a version only grows: an older change replayed after a newer one does not let older tokens back', () => {
    const { list } = listAt();
    list.apply(event('user.roles_changed', { userId: 'u-1', version: 5 }));
    list.apply(event('user.disabled', { userId: 'u-1', version: 4 }));
    assert.ok(list.check(principal({ subject: 'u-1', kind: 'user', accountVersion: 4 })));
    assert.equal(list.check(principal({ subject: 'u-1', kind: 'user', accountVersion: 5 })), undefined);
  });

  test('a disabled client refuses its service tokens, not a user whose id happens to be the same', () => {
    const { list } = listAt();
    list.apply(event('identity.client_disabled', { clientId: 'checkout', disabledBy: null }));
    assert.match(list.check(principal({ subject: 'checkout', kind: 'service' })) ?? '', /client is disabled/);
    assert.equal(list.check(principal({ subject: 'checkout', kind: 'user', accountVersion: 1 })), undefined);
  });

  test('other events, account events without a version and malformed data are ignored', () => {
    const { list } = listAt();
    list.apply(event('user.disabled', { userId: 'u-1', changedBy: null }));
    list.apply(event('user.enabled', { userId: 'u-1', version: 9 }));
    list.apply(event('user.registered', { userId: 'u-1', email: 'a@b.c' }));
    list.apply(event('identity.api_key_revoked', { apiKeyId: 42 }));
    assert.equal(list.size, 0);
    assert.equal(list.check(principal({ subject: 'u-1', kind: 'user', accountVersion: 1 })), undefined);
  });

  test('a revocation is kept for the longest token lifetime after it happened, then forgotten; one older than that is not taken', () => {
    const { clock, list } = listAt();
    list.apply(event('identity.api_key_revoked', { apiKeyId: 'key-1' }));
    const token = principal({ subject: 'u-1', kind: 'api_key', apiKeyId: 'key-1' });
    clock.now = T0 + DAY - 1;
    assert.ok(list.check(token));
    clock.now = T0 + DAY;
    assert.equal(list.check(token), undefined);
    list.apply(event('identity.api_key_revoked', { apiKeyId: 'key-2' }, T0 - 1));
    assert.equal(list.size, 0, 'expired entries are swept, stale events not recorded');
  });
});

describe('withRevocations', () => {
  test('refuses a token the inner cache would still hand out once its revocation is known', async () => {
    const { list } = listAt(Date.now());
    let verified = 0;
    const inner: TokenVerifier = {
      async verify() {
        verified++;
        return principal({ subject: 'u-1', kind: 'api_key', apiKeyId: 'key-1', accountVersion: 1 });
      },
    };
    const verifier = withRevocations(cachingVerifier(inner, 100), list);
    const token = `h.${Buffer.from(JSON.stringify({ exp: Date.now() / 1000 + 600 })).toString('base64url')}.s`;
    assert.equal((await verifier.verify(token)).subject, 'u-1');
    list.apply(event('identity.api_key_revoked', { apiKeyId: 'key-1' }, Date.now()));
    await assert.rejects(verifier.verify(token), (err: unknown) => {
      assert.ok(err instanceof InvalidTokenError);
      assert.match(err.message, /API key was revoked/);
      return true;
    });
    assert.equal(verified, 1, 'the second call was a cache hit, refused all the same');
  });
});
