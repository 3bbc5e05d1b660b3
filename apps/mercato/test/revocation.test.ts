import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeTestPglite, needs, waitFor } from '@mercato/testing';
import { ADMIN, startRevocationPlatform, type RevocationPlatform } from './revocation-platform.ts';

after(closeTestPglite);

// Revocation must reach every verifier within a few seconds; polled, never slept on.
const DEADLINE_MS = 5000;

type Json = Record<string, unknown>;

async function send(
  url: string,
  opts: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await fetch(url, {
    method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'),
    headers: { ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }), ...opts.headers },
    ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : {}, headers: res.headers };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

let flags = 0;
/** A new feature flag (needs settings:write). */
const newFlag = () => ({ key: `revocation.flag-${Date.now().toString(36)}-${++flags}`, enabled: true });

/** Polls until `attempt` answers `status`; resolves with the ms it took, fails after the deadline. */
async function within(
  what: string,
  attempt: () => Promise<{ status: number }>,
  status = 401,
): Promise<number> {
  const started = Date.now();
  let last = 0;
  const answered = async () => {
    last = (await attempt()).status;
    return last === status;
  };
  await waitFor(answered, DEADLINE_MS, `${what} to answer ${status}`, 20).catch((err: Error) => {
    throw new Error(`${err.message} (it still answers ${last})`);
  });
  return Date.now() - started;
}

const kinds = [
  { kind: 'memory', opts: {} },
  { kind: 'nats', opts: await needs('nats').then(async (n) => (n.skip ? n : needs('postgres'))) },
] as const;

for (const { kind, opts } of kinds) {
  describe(`revocation through the gateway (${kind} bus, real identity and settings)`, opts, () => {
    let platform: RevocationPlatform;
    let adminToken: string;

    before(async () => {
      platform = await startRevocationPlatform(kind);
      let login = { status: 0, body: {} as Json };
      // The bootstrap admin is created as identity starts.
      await waitFor(async () => {
        login = await send(`${platform.gatewayUrl}/api/v1/auth/login`, { body: ADMIN });
        return login.status === 200;
      }, DEADLINE_MS);
      adminToken = String(login.body.accessToken);
    });
    after(async () => {
      await platform?.close();
    });

    const gw = (path: string) => `${platform.gatewayUrl}${path}`;

    /** A new account with the given roles, signed in: its id, password and tokens. */
    async function account(roles: string[]) {
      const email = `revocation.${Date.now().toString(36)}.${++flags}@mercato.test`;
      const password = 'Revocation-Test-Pass-2';
      const created = await send(gw('/api/v1/auth/register'), { body: { email, password } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const id = String(created.body.id);
      const roled = await send(gw(`/api/v1/users/${id}/roles`), {
        method: 'PUT',
        body: { roles },
        headers: { ...bearer(adminToken), 'if-match': '"1"' },
      });
      assert.equal(roled.status, 200, JSON.stringify(roled.body));
      const login = await send(gw('/api/v1/auth/login'), { body: { email, password } });
      assert.equal(login.status, 200, JSON.stringify(login.body));
      return {
        id,
        version: Number(roled.body.version),
        token: String(login.body.accessToken),
        refreshToken: String(login.body.refreshToken),
      };
    }

    test('a revoked API key stops working through the gateway within seconds, and the token it was exchanged for stops at the service too', async (t) => {
      const created = await send(gw('/api/v1/api-keys'), {
        body: { name: 'flag writer', permissions: ['settings:write'] },
        headers: bearer(adminToken),
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const key = { 'x-api-key': String(created.body.key) };
      const withKey = () => send(gw('/api/v1/feature-flags'), { body: newFlag(), headers: key });
      assert.equal((await withKey()).status, 201, 'the key creates a flag');
      // What the gateway sends upstream for the key: a token exchanged at identity.
      const exchanged = await send(`${platform.identityUrl}/internal/api-keys/exchange`, {
        body: { apiKey: key['x-api-key'] },
      });
      const keyToken = String(exchanged.body.accessToken);
      const direct = () =>
        send(`${platform.settingsUrl}/api/v1/feature-flags`, { body: newFlag(), headers: bearer(keyToken) });
      assert.equal((await direct()).status, 201);

      const revoked = await send(gw(`/api/v1/api-keys/${String(created.body.id)}`), {
        method: 'DELETE',
        headers: bearer(adminToken),
      });
      assert.equal(revoked.status, 204);
      const ms = await within('the revoked key at the gateway', withKey);
      await within('its exchanged token at settings', direct);
      const refused = await withKey();
      assert.match(refused.headers.get('www-authenticate') ?? '', /^ApiKey/);
      t.diagnostic(`revoked key refused by the gateway after ${ms} ms`);
    });

    test('a disabled user’s access token, minutes from expiry, is refused by the gateway and by the services within seconds', async (t) => {
      const user = await account(['admin']);
      const viaGateway = () =>
        send(gw('/api/v1/feature-flags'), { body: newFlag(), headers: bearer(user.token) });
      const atSettings = () =>
        send(`${platform.settingsUrl}/api/v1/feature-flags`, {
          body: newFlag(),
          headers: bearer(user.token),
        });
      const atIdentity = () =>
        send(`${platform.identityUrl}/api/v1/auth/me`, { headers: bearer(user.token) });
      assert.equal((await viaGateway()).status, 201);
      assert.equal((await atSettings()).status, 201);

      const disabled = await send(gw(`/api/v1/users/${user.id}/disable`), {
        method: 'POST',
        headers: bearer(adminToken),
      });
      assert.equal(disabled.status, 200, JSON.stringify(disabled.body));
      t.diagnostic(
        `disabled user's token refused by the gateway after ${await within('the gateway', viaGateway)} ms`,
      );
      await within('settings', atSettings);
      await within('identity', atIdentity);
      const refused = await viaGateway();
      assert.match(refused.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
      assert.match(String(refused.body.detail), /revoked/);

      if (kind === 'nats') {
        // A gateway started after the revocation (a restart, a new replica) replays it
        // before it serves: the token is refused on its first request, without waiting.
        const late = await platform.startGateway();
        try {
          const first = await send(`${late.url}/api/v1/feature-flags`, {
            body: newFlag(),
            headers: bearer(user.token),
          });
          assert.equal(first.status, 401, JSON.stringify(first.body));
        } finally {
          await late.close();
        }
      }
    });

    test('after a roles change the token of the old roles is refused everywhere within seconds; a refreshed one carries the new roles, and the user’s API key goes on with them', async () => {
      const user = await account(['admin']);
      const create = (token: string, base = platform.gatewayUrl) =>
        send(`${base}/api/v1/feature-flags`, { body: newFlag(), headers: bearer(token) });
      assert.equal((await create(user.token)).status, 201);
      const key = await send(gw('/api/v1/api-keys'), {
        body: { name: 'reader', permissions: [] },
        headers: bearer(user.token),
      });
      assert.equal(key.status, 201, JSON.stringify(key.body));
      // userinfo answers with the roles of the token the gateway exchanged the key for.
      const keyRoles = async () => {
        const res = await send(gw('/api/v1/oauth/userinfo'), {
          headers: { 'x-api-key': String(key.body.key) },
        });
        assert.equal(res.status, 200, `the key keeps working: ${JSON.stringify(res.body)}`);
        return res.body.roles;
      };
      assert.deepEqual(await keyRoles(), ['admin']);

      const demoted = await send(gw(`/api/v1/users/${user.id}/roles`), {
        method: 'PUT',
        body: { roles: ['customer'] },
        headers: { ...bearer(adminToken), 'if-match': `"${user.version}"` },
      });
      assert.equal(demoted.status, 200, JSON.stringify(demoted.body));
      await within('the gateway', () => create(user.token));
      await within('settings', () => create(user.token, platform.settingsUrl));
      // The gateway dropped the key's cached token of the old roles and exchanged the key again.
      assert.deepEqual(await keyRoles(), ['customer']);

      const refreshed = await send(gw('/api/v1/auth/refresh'), { body: { refreshToken: user.refreshToken } });
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
      const fresh = String(refreshed.body.accessToken);
      const me = await send(gw('/api/v1/auth/me'), { headers: bearer(fresh) });
      assert.equal(me.status, 200, JSON.stringify(me.body));
      assert.deepEqual(me.body.roles, ['customer']);
      assert.equal((await create(fresh)).status, 403, 'a customer may not write flags');
    });
  });
}
