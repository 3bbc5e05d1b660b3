import { testAuth } from '@mercato/testing';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { startGateway, startRawUpstream, type RawUpstream, type TestGateway } from './helpers.ts';
import { peerAuthOptions, startIdentityPeer, type IdentityPeer } from './identity-peer.ts';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** Asserts a 401 problem with a Bearer challenge, and returns its body. */
async function expectTokenRefused(res: Response, description: RegExp): Promise<Record<string, unknown>> {
  const body = (await res.json()) as Record<string, unknown>;
  assert.equal(res.status, 401, JSON.stringify(body));
  assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.equal(body.code, 'UNAUTHORIZED');
  const challenge = res.headers.get('www-authenticate') ?? '';
  assert.match(challenge, /^Bearer realm="mercato", error="invalid_token", error_description="/);
  assert.match(challenge, description);
  return body;
}

describe('gateway bearer tokens (test authority)', () => {
  let upstream: RawUpstream;
  let gw: TestGateway;
  const api = () => `${gw.url}/api/v1/settings/a`;

  before(async () => {
    upstream = await startRawUpstream();
    gw = await startGateway({ upstreams: { settings: upstream.url } });
  });
  after(async () => {
    await gw.close();
    await upstream.close();
  });

  it('proxies a valid token with the Authorization header intact and the verified identity', async () => {
    const auth = await testAuth();
    const token = await auth.mint({ subject: 'user-1', roles: ['admin'] });
    const res = await fetch(api(), {
      headers: {
        authorization: `Bearer ${token}`,
        // A client cannot speak for someone else: its copies are replaced.
        'x-mercato-subject': 'someone-else',
        'x-mercato-principal-kind': 'service',
      },
    });
    assert.equal(res.status, 200);
    await res.text();
    const seen = upstream.seen.at(-1)?.headers ?? {};
    assert.equal(seen.authorization, `Bearer ${token}`);
    assert.equal(seen['x-mercato-subject'], 'user-1');
    assert.equal(seen['x-mercato-principal-kind'], 'user');
  });

  it('passes anonymous requests, without any client-sent identity headers', async () => {
    const res = await fetch(api(), {
      headers: { 'x-mercato-subject': 'admin', 'x-mercato-principal-kind': 'user' },
    });
    assert.equal(res.status, 200);
    await res.text();
    const seen = upstream.seen.at(-1)?.headers ?? {};
    assert.equal(seen['x-mercato-subject'], undefined);
    assert.equal(seen['x-mercato-principal-kind'], undefined);
    assert.equal(seen.authorization, undefined);
  });

  it('refuses expired, forged, alg=none and malformed tokens with 401 and never calls the upstream', async () => {
    const auth = await testAuth();
    const valid = await auth.mint();
    const { kid } = decodeProtectedHeader(valid);
    const other = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const forged = await new SignJWT({ ptype: 'user', roles: ['admin'], permissions: [], scope: '' })
      .setProtectedHeader({ alg: 'EdDSA', kid: kid as string, typ: 'at+jwt' })
      .setIssuer('http://mercato.test')
      .setAudience('mercato')
      .setSubject('intruder')
      .setIssuedAt()
      .setExpirationTime('900s')
      .sign(other.privateKey);
    const [, payload] = valid.split('.');
    const none = `${b64({ alg: 'none', typ: 'at+jwt' })}.${payload}.`;
    const cases: [string, string, RegExp][] = [
      ['expired', `Bearer ${await auth.mint({ ttlSeconds: -60 })}`, /expired/],
      ['forged', `Bearer ${forged}`, /signature is not valid/],
      ['alg=none', `Bearer ${none}`, /not valid|not accepted/],
      ['garbage', 'Bearer abc', /not valid/],
      ['empty bearer', 'Bearer ', /not a usable bearer token/],
    ];
    const before = upstream.seen.length;
    for (const [name, authorization, why] of cases) {
      const res = await fetch(api(), { headers: { authorization } });
      const body = await expectTokenRefused(res, why);
      assert.equal(typeof body.detail, 'string', name);
    }
    assert.equal(upstream.seen.length, before, 'no refused request reached the upstream');
    // Still fine afterwards with a good one.
    assert.equal((await fetch(api(), { headers: { authorization: `Bearer ${valid}` } })).status, 200);
  });
});

describe('gateway bearer tokens (identity JWKS over HTTP)', () => {
  let identity: IdentityPeer;
  let upstream: RawUpstream;
  let gw: TestGateway;

  before(async () => {
    identity = await startIdentityPeer();
    upstream = await startRawUpstream();
    gw = await startGateway({
      upstreams: { settings: upstream.url, identity: identity.url },
      // No tokenVerifier: the gateway builds the kit's verifier over identity's JWKS URL.
      auth: peerAuthOptions(identity),
    });
  });
  after(async () => {
    await gw.close();
    await upstream.close();
    await identity.close();
  });

  it('accepts tokens signed by a JWKS key, fetching the key set once', async () => {
    for (let i = 0; i < 3; i += 1) {
      const token = await identity.sign({ sub: `u-${i}` });
      const res = await fetch(`${gw.url}/api/v1/settings/x`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(res.status, 200, await res.text());
    }
    assert.equal(identity.jwksFetches, 1);
  });

  it('refuses a token for another audience or from another issuer', async () => {
    const before = upstream.seen.length;
    const wrongAud = await identity.sign({}, { audience: 'someone-else' });
    await expectTokenRefused(
      await fetch(`${gw.url}/api/v1/settings/x`, { headers: { authorization: `Bearer ${wrongAud}` } }),
      /aud claim/,
    );
    const wrongIss = await identity.sign({}, { issuer: 'http://evil.test' });
    await expectTokenRefused(
      await fetch(`${gw.url}/api/v1/settings/x`, { headers: { authorization: `Bearer ${wrongIss}` } }),
      /iss claim/,
    );
    assert.equal(upstream.seen.length, before);
  });

  it('routes /.well-known/* to identity with the path unchanged', async () => {
    const res = await fetch(`${gw.url}/.well-known/jwks.json`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { keys: { kid: string; d?: string }[] };
    assert.equal(body.keys.length, 1);
    assert.equal(body.keys[0]?.d, undefined);
  });
});
