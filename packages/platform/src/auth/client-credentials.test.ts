import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { manualClock } from '@mercato/testing';
import { after, describe, test } from 'node:test';
import { runWithContext } from '../context/index.ts';
import { AppError } from '../errors/index.ts';
import { createServiceClient, type ServiceClient } from '../client/service-client.ts';
import { createClientCredentials } from './client-credentials.ts';

interface TokenCall {
  authorization: string | undefined;
  contentType: string | undefined;
  form: URLSearchParams;
}

const servers: http.Server[] = [];
const clients: ServiceClient[] = [];
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  for (const s of servers) s.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A real OAuth token endpoint on a free port: numbered tokens, counted calls. */
async function tokenEndpoint(opts: { expiresIn?: number; delayMs?: number; status?: number } = {}) {
  const calls: TokenCall[] = [];
  const url = await listen((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      calls.push({
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        form: new URLSearchParams(raw),
      });
      const n = calls.length;
      setTimeout(() => {
        if (opts.status) {
          res.writeHead(opts.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: 'invalid_client' }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(
          JSON.stringify({
            access_token: `token-${n}`,
            token_type: 'Bearer',
            expires_in: opts.expiresIn ?? 900,
          }),
        );
      }, opts.delayMs ?? 0);
    });
  });
  return { url: `${url}/api/v1/oauth/token`, calls };
}

describe('client credentials', () => {
  test('asks with HTTP Basic and the client_credentials grant, then reuses the token', async () => {
    const ep = await tokenEndpoint();
    const cc = createClientCredentials({
      tokenUrl: ep.url,
      clientId: 'order service',
      clientSecret: 's3cr:et',
      scope: 'inventory:write payments:charge',
    });
    assert.equal(await cc.getToken(), 'token-1');
    assert.equal(await cc.getToken(), 'token-1');
    assert.equal(ep.calls.length, 1);
    const call = ep.calls[0] as TokenCall;
    const basic = Buffer.from('order+service:s3cr%3Aet').toString('base64');
    assert.equal(call.authorization, `Basic ${basic}`);
    assert.equal(call.contentType, 'application/x-www-form-urlencoded');
    assert.equal(call.form.get('grant_type'), 'client_credentials');
    assert.equal(call.form.get('scope'), 'inventory:write payments:charge');
  });

  test('concurrent callers share one token request', async () => {
    const ep = await tokenEndpoint({ delayMs: 50 });
    const cc = createClientCredentials({ tokenUrl: ep.url, clientId: 'a', clientSecret: 'b' });
    const tokens = await Promise.all(Array.from({ length: 10 }, () => cc.getToken()));
    assert.deepEqual(new Set(tokens), new Set(['token-1']));
    assert.equal(ep.calls.length, 1);
  });

  test('renews before expiry (60 s early, or at half the lifetime of a short token), and after invalidate()', async () => {
    // Renewal is timed by the provider's clock: the test moves it instead of waiting.
    const clock = manualClock();
    const ep = await tokenEndpoint({ expiresIn: 900 });
    const cc = createClientCredentials({
      tokenUrl: ep.url,
      clientId: 'a',
      clientSecret: 'b',
      now: clock.now,
    });
    assert.equal(await cc.getToken(), 'token-1');
    clock.advance(839_999);
    assert.equal(await cc.getToken(), 'token-1', 'kept until 60 s before its expiry');
    clock.advance(1);
    assert.equal(await cc.getToken(), 'token-2');
    cc.invalidate?.();
    assert.equal(await cc.getToken(), 'token-3');
    assert.equal(ep.calls.length, 3);

    // 61 s tokens renewed 60 s early would last 1 s; half their lifetime (30.5 s) applies.
    const short = await tokenEndpoint({ expiresIn: 61 });
    const soon = createClientCredentials({
      tokenUrl: short.url,
      clientId: 'a',
      clientSecret: 'b',
      now: clock.now,
    });
    assert.equal(await soon.getToken(), 'token-1');
    clock.advance(30_499);
    assert.equal(await soon.getToken(), 'token-1');
    clock.advance(1);
    assert.equal(await soon.getToken(), 'token-2');
  });

  test('a refused client is a configuration error; an unreachable endpoint is a 503; neither is cached', async () => {
    const refused = await tokenEndpoint({ status: 401 });
    const cc = createClientCredentials({ tokenUrl: refused.url, clientId: 'a', clientSecret: 'wrong' });
    await assert.rejects(cc.getToken(), /refused by the token endpoint: invalid_client/);
    await assert.rejects(cc.getToken(), /invalid_client/);
    assert.equal(refused.calls.length, 2);

    const dead = createClientCredentials({
      tokenUrl: 'http://127.0.0.1:9/token',
      clientId: 'a',
      clientSecret: 'b',
    });
    await assert.rejects(dead.getToken(), (err: unknown) => err instanceof AppError && err.status === 503);
  });
});

describe('service client with credentials', () => {
  async function upstream() {
    const seen: (string | undefined)[] = [];
    const url = await listen((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    return { url, seen };
  }

  test('fallback: the service token only when no caller token is propagated', async () => {
    const ep = await tokenEndpoint();
    const up = await upstream();
    const client = createServiceClient({
      name: 'inventory',
      baseUrl: up.url,
      credentials: createClientCredentials({ tokenUrl: ep.url, clientId: 'order', clientSecret: 'x' }),
    });
    clients.push(client);
    await client.get('/a');
    await runWithContext({ correlationId: 'c1', authorization: 'Bearer user-token' }, () => client.get('/b'));
    await client.get('/c', { headers: { Authorization: 'Bearer explicit' } });
    assert.deepEqual(up.seen, ['Bearer token-1', 'Bearer user-token', 'Bearer explicit']);
    assert.equal(ep.calls.length, 1);
  });

  test('always: the service token replaces a propagated caller token, not an explicit one', async () => {
    const ep = await tokenEndpoint();
    const up = await upstream();
    const provider = createClientCredentials({ tokenUrl: ep.url, clientId: 'checkout', clientSecret: 'x' });
    const client = createServiceClient({
      name: 'inventory',
      baseUrl: up.url,
      credentials: { provider, mode: 'always' },
    });
    clients.push(client);
    await runWithContext({ correlationId: 'c2', authorization: 'Bearer user-token' }, () => client.get('/b'));
    await client.get('/c', { headers: { authorization: 'Bearer explicit' } });
    assert.deepEqual(up.seen, ['Bearer token-1', 'Bearer explicit']);
  });
});
