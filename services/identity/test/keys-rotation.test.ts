import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, startTestService, waitFor } from '@mercato/testing';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { KEY_ACTIVATION_DELAY_MS } from '../src/keys/signing-keys.ts';
import { identityService } from '../src/service.ts';
import { adminToken, createClient, tokenRequest, uniqueClientId } from './oauth-support.ts';
import { call, eventsFor, expectProblem, useTestEnv, type Svc } from './support.ts';

useTestEnv();
after(closeTestPglite);

for (const kind of ['pglite', 'pg'] as const) {
  describe(`signing key rotation (${kind})`, kind === 'pg' ? await needs('postgres') : {}, () => {
    let svc: Svc;
    before(async () => {
      svc = await startTestService(identityService, kind);
    });
    after(async () => {
      await svc?.close();
    });

    const kids = async () => {
      const res = await call(svc, 'GET', '/.well-known/jwks.json');
      assert.equal(res.status, 200);
      return res.body.keys.map((k: { kid: string }) => k.kid) as string[];
    };
    const rotate = (token: string) => call(svc, 'POST', '/api/v1/oauth/keys/rotate', { token });
    const kidOf = (token: string) => decodeProtectedHeader(token).kid;

    test('rotation needs users:write', async () => {
      expectProblem(await rotate(''), 401, 'UNAUTHORIZED');
      const customer = await svc.runtime.parts.tokens.signAccess({
        subject: 'c',
        kind: 'user',
        roles: ['customer'],
        permissions: [],
        scope: '',
        tier: 'authenticated',
      });
      expectProblem(await rotate(customer.token), 403, 'FORBIDDEN');
    });

    test('after one rotation the previous key still verifies its tokens, the JWKS lists both kids, and the new key signs after its delay', async () => {
      const admin = await adminToken(svc);
      const { clientId, clientSecret } = await createClient(svc, admin, {
        clientId: uniqueClientId('rotation'),
        scopes: ['orders:read'],
      });
      const before = await tokenRequest(svc, { grant_type: 'client_credentials' }, [clientId, clientSecret]);
      const old: string = before.body.access_token;
      const oldKid = kidOf(old);
      assert.deepEqual(await kids(), [oldKid]);

      const res = await rotate(admin);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const newKid = res.body.kid;
      assert.notEqual(newKid, oldKid);
      assert.deepEqual(await kids(), [newKid, oldKid]);

      // Identity's own verifier (behind userinfo) still accepts what the old key signed.
      const me = await call(svc, 'GET', '/api/v1/oauth/userinfo', { token: old });
      assert.equal(me.status, 200, JSON.stringify(me.body));
      assert.equal(me.body.sub, clientId);

      // The new key is published first and signs only after the activation delay, so no
      // verifier that fetched the JWKS just before the rotation meets an unknown kid.
      const issue = async () =>
        (await tokenRequest(svc, { grant_type: 'client_credentials' }, [clientId, clientSecret])).body
          .access_token as string;
      assert.equal(kidOf(await issue()), oldKid);
      const started = Date.now();
      let fresh = await issue();
      await waitFor(
        async () => kidOf((fresh = await issue())) === newKid,
        KEY_ACTIVATION_DELAY_MS + 5000,
        'the new key to sign',
        250,
      );
      assert.ok(
        Date.now() - started >= KEY_ACTIVATION_DELAY_MS - 2000,
        'the new key signed before its delay',
      );
      const again = await call(svc, 'GET', '/api/v1/oauth/userinfo', { token: fresh });
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.equal((await call(svc, 'GET', '/api/v1/oauth/userinfo', { token: old })).status, 200);

      const [event] = await eventsFor(svc, 'identity.signing_key_rotated', newKid);
      assert.deepEqual(event?.data, { kid: newKid, previousKid: oldKid, rotatedBy: decodeJwt(admin).sub });
    });

    test('after a second rotation the oldest key is gone from the JWKS', async () => {
      const [current, previous] = await kids();
      assert.ok(current && previous);
      const keys = svc.runtime.parts.keys;
      const newest = await keys.rotate();
      assert.deepEqual(await kids(), [newest, current]);
      assert.ok(!(await kids()).includes(previous));
      const retired = await svc.runtime.ctx.database.db
        .selectFrom('signing_keys')
        .select(['kid', 'retired_at'])
        .where('kid', '=', previous)
        .executeTakeFirstOrThrow();
      assert.ok(retired.retired_at);
      const [event] = await eventsFor(svc, 'identity.signing_key_rotated', newest);
      assert.deepEqual(event?.data, { kid: newest, previousKid: current, rotatedBy: null });
    });
  });
}
