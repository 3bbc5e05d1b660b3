import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deadUrl, startGateway, startRawUpstream, type RawUpstream, type TestGateway } from './helpers.ts';
import { peerAuthOptions, startIdentityPeer, type IdentityPeer } from './identity-peer.ts';

describe('gateway API keys (exchanged at identity over HTTP)', () => {
  let identity: IdentityPeer;
  let upstream: RawUpstream;
  let gw: TestGateway;
  const api = () => `${gw.url}/api/v1/settings/a`;

  before(async () => {
    identity = await startIdentityPeer();
    identity.grants.set('mk_good', { subject: 'owner-1', tier: 'authenticated' });
    identity.grants.set('mk_burst', { subject: 'owner-2', tier: 'authenticated' });
    upstream = await startRawUpstream();
    gw = await startGateway({
      upstreams: { settings: upstream.url },
      // No tokenVerifier: the gateway builds the kit's verifier over identity's JWKS URL.
      auth: peerAuthOptions(identity),
    });
  });
  after(async () => {
    await gw.close();
    await upstream.close();
    await identity.close();
  });

  it('proxies a valid key with the exchanged bearer token and without X-API-Key; the exchange is cached', async () => {
    const first = await fetch(api(), { headers: { 'x-api-key': 'mk_good', 'x-mercato-subject': 'admin' } });
    assert.equal(first.status, 200, await first.text());
    const seen = upstream.seen.at(-1)?.headers ?? {};
    assert.equal(seen['x-api-key'], undefined, 'the key never reaches a service');
    assert.match(String(seen.authorization), /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    assert.equal(seen['x-mercato-subject'], 'owner-1');
    assert.equal(seen['x-mercato-principal-kind'], 'api_key');

    const second = await fetch(api(), { headers: { 'x-api-key': 'mk_good' } });
    assert.equal(second.status, 200);
    await second.text();
    assert.equal(upstream.seen.at(-1)?.headers.authorization, seen.authorization);
    assert.deepEqual(
      identity.exchanges.filter((k) => k === 'mk_good'),
      ['mk_good'],
      'two requests, one exchange',
    );
  });

  it('exchanges once for concurrent first requests with the same key', async () => {
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => fetch(api(), { headers: { 'x-api-key': 'mk_burst' } })),
    );
    for (const res of answers) {
      assert.equal(res.status, 200);
      await res.text();
    }
    assert.equal(identity.exchanges.filter((k) => k === 'mk_burst').length, 1);
  });

  it('refuses a bad key with 401 and an ApiKey challenge, remembers the refusal, never proxies', async () => {
    const before = upstream.seen.length;
    for (let i = 0; i < 3; i += 1) {
      const res = await fetch(api(), { headers: { 'x-api-key': 'mk_wrong' } });
      const body = (await res.json()) as { code: string; detail: string };
      assert.equal(res.status, 401);
      assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
      assert.equal(body.code, 'UNAUTHORIZED');
      assert.match(body.detail, /API key is not valid/);
      assert.match(res.headers.get('www-authenticate') ?? '', /^ApiKey/);
    }
    assert.equal(upstream.seen.length, before);
    assert.equal(identity.exchanges.filter((k) => k === 'mk_wrong').length, 1, 'the 401 is cached');
  });

  it('answers 503 UPSTREAM_UNAVAILABLE when identity cannot be reached', async () => {
    const down = await startGateway({
      upstreams: { settings: upstream.url },
      auth: { identityUrl: await deadUrl() },
    });
    try {
      const before = upstream.seen.length;
      const res = await fetch(`${down.url}/api/v1/settings/a`, { headers: { 'x-api-key': 'mk_good' } });
      const body = (await res.json()) as { code: string };
      assert.equal(res.status, 503);
      assert.equal(body.code, 'UPSTREAM_UNAVAILABLE');
      assert.equal(upstream.seen.length, before);
    } finally {
      await down.close();
    }
  });
});
