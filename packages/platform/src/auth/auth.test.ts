import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  closeTestPglite,
  startTestService,
  testAuth,
  TEST_AUDIENCE,
  TEST_ISSUER,
  type TestService,
} from '@mercato/testing';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type CryptoKey } from 'jose';
import { Type } from 'typebox';
import { defineService } from '../service/definition.ts';
import { newId } from '../ids/index.ts';
import { createTokenVerifier, InvalidTokenError } from './token-verifier.ts';

after(closeTestPglite);

const def = defineService()({
  manifest: {
    name: 'auth-test',
    port: 0,
    schema: 'authtest',
    description: 'kit test service',
    resources: [],
  },
  migrations: new URL('../http/fixtures/migrations/', import.meta.url),
  routes(app) {
    const reply = Type.Object({ subject: Type.Union([Type.String(), Type.Null()]) });
    const who = async (request: { principal?: { subject: string } }) => ({
      subject: request.principal?.subject ?? null,
    });
    app.get('/open', { schema: { response: { 200: reply } } }, who);
    app.get('/mine', { config: { auth: 'user' }, schema: { response: { 200: reply } } }, who);
    app.post(
      '/admin',
      { config: { auth: { permission: 'settings:write' } }, schema: { response: { 200: reply } } },
      who,
    );
  },
});

async function signed(
  claims: Record<string, unknown>,
  opts: { iss?: string; aud?: string; exp?: string; typ?: string } = {},
) {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  return new SignJWT({
    ptype: 'user',
    roles: ['admin'],
    permissions: ['settings:write'],
    scope: '',
    ...claims,
  })
    .setProtectedHeader({ alg: 'EdDSA', kid: 'forged', typ: opts.typ ?? 'at+jwt' })
    .setIssuer(opts.iss ?? TEST_ISSUER)
    .setAudience(opts.aud ?? TEST_AUDIENCE)
    .setSubject('mallory')
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? '5m')
    .sign(privateKey);
}

describe('route auth requirements', () => {
  let svc: TestService<unknown>;
  before(async () => {
    svc = await startTestService(def, 'pglite');
  });
  after(async () => svc.close());

  const get = (url: string, headers: Record<string, string> = {}) =>
    svc.runtime.app.inject({ method: 'GET', url, headers });

  test('a public route answers without a token, and knows the caller when one is sent', async () => {
    assert.equal((await get('/open')).json().subject, null);
    const auth = await testAuth();
    const r = await get('/open', await auth.headers({ subject: 'u-1' }));
    assert.equal(r.json().subject, 'u-1');
  });

  test('a signed-in route without a token is a 401 problem with WWW-Authenticate', async () => {
    const r = await get('/mine');
    assert.equal(r.statusCode, 401);
    assert.equal(r.json().code, 'UNAUTHORIZED');
    assert.match(String(r.headers['www-authenticate']), /^Bearer realm="mercato"/);
  });

  test('a customer on a route that needs a permission gets 403; an admin passes', async () => {
    const auth = await testAuth();
    const customer = await svc.runtime.app.inject({
      method: 'POST',
      url: '/admin',
      headers: await auth.headers(),
    });
    assert.equal(customer.statusCode, 403);
    assert.equal(customer.json().code, 'FORBIDDEN');
    const admin = await svc.runtime.app.inject({
      method: 'POST',
      url: '/admin',
      headers: await auth.headers({ roles: ['admin'], subject: 'boss' }),
    });
    assert.equal(admin.statusCode, 200);
    assert.equal(admin.json().subject, 'boss');
  });

  test('a bad token is refused even on a public route: forged, expired, alg none, wrong audience or issuer', async () => {
    const auth = await testAuth();
    const expired = await auth.mint({ ttlSeconds: -60 });
    const none = new UnsecuredJWT({ ptype: 'user', roles: ['admin'], permissions: ['settings:write'] })
      .setIssuer(TEST_ISSUER)
      .setAudience(TEST_AUDIENCE)
      .setSubject('mallory')
      .setIssuedAt()
      .setExpirationTime('5m')
      .encode();
    const cases: Array<[string, string]> = [
      ['forged', await signed({})],
      ['expired', expired],
      ['alg none', none],
      ['wrong audience', await signed({}, { aud: 'someone-else' })],
      ['wrong issuer', await signed({}, { iss: 'https://evil.example' })],
      ['not a JWT', 'abc.def'],
    ];
    for (const [name, token] of cases) {
      const r = await get('/open', { authorization: `Bearer ${token}` });
      assert.equal(r.statusCode, 401, name);
      assert.match(String(r.headers['www-authenticate']), /error="invalid_token"/, name);
    }
  });

  test('a token identity revoked after issuing it is refused once the event is on the bus, though it verified (and was cached) before', async () => {
    const auth = await testAuth();
    const subject = newId();
    const before = await auth.headers({ subject, accountVersion: 1 });
    const keyToken = await auth.headers({ subject, kind: 'api_key', apiKeyId: newId(), accountVersion: 2 });
    assert.equal((await get('/mine', before)).statusCode, 200);
    assert.equal((await get('/mine', keyToken)).statusCode, 200);
    await svc.bus.publish({
      id: newId(),
      type: 'user.disabled',
      version: 1,
      source: 'identity',
      time: new Date().toISOString(),
      subject,
      correlationId: newId(),
      data: { userId: subject, changedBy: null, version: 2 },
    });
    const refused = await get('/mine', before);
    assert.equal(refused.statusCode, 401);
    assert.match(String(refused.headers['www-authenticate']), /error="invalid_token"/);
    assert.match(refused.json().detail, /revoked/);
    assert.equal((await get('/mine', keyToken)).statusCode, 200, 'issued at the new version');
  });

  test('other Authorization schemes are left to the route', async () => {
    const r = await get('/open', { authorization: 'Basic Y2xpZW50OnNlY3JldA==' });
    assert.equal(r.statusCode, 200);
    assert.equal(r.json().subject, null);
  });
});

describe('token verifier', () => {
  test('reloads the key set when a token names a key it has not seen (rotation), at most once per cooldown', async () => {
    const first = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const second = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const jwk1 = { ...(await exportJWK(first.publicKey)), kid: 'k1', alg: 'EdDSA' };
    const jwk2 = { ...(await exportJWK(second.publicKey)), kid: 'k2', alg: 'EdDSA' };
    let published = [jwk1];
    let loads = 0;
    const make = (reloadCooldownMs: number) =>
      createTokenVerifier({
        issuer: TEST_ISSUER,
        audience: TEST_AUDIENCE,
        reloadCooldownMs,
        keys: async () => {
          loads++;
          return { keys: published };
        },
      });
    const verifier = make(60_000);
    const mint = (key: CryptoKey, kid: string) =>
      new SignJWT({ ptype: 'service', roles: [], permissions: [], scope: 'a b', jti: newId() })
        .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'at+jwt' })
        .setIssuer(TEST_ISSUER)
        .setAudience(TEST_AUDIENCE)
        .setSubject('svc')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(key);
    const p1 = await verifier.verify(await mint(first.privateKey, 'k1'));
    assert.deepEqual([p1.subject, p1.kind, p1.scopes], ['svc', 'service', ['a', 'b']]);
    assert.equal(loads, 1);
    // Within the cooldown an unknown kid is refused without hammering the loader.
    published = [jwk2, jwk1];
    await assert.rejects(verifier.verify(await mint(second.privateKey, 'k2')), InvalidTokenError);
    assert.equal(loads, 1);
    // Past the cooldown, the unknown kid triggers one reload and the new key verifies.
    loads = 0;
    published = [jwk1];
    const eager = make(0);
    await eager.verify(await mint(first.privateKey, 'k1'));
    published = [jwk2, jwk1];
    const p2 = await eager.verify(await mint(second.privateKey, 'k2'));
    assert.equal(p2.subject, 'svc');
    assert.equal(loads, 2);
  });
});
