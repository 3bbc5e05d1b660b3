import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { runWithContext } from '../context/index.ts';
import { AppError } from '../errors/index.ts';
import {
  createServiceClient,
  UpstreamFailure,
  type ServiceClient,
  type ServiceClientOptions,
} from './service-client.ts';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}
interface Reply {
  status: number;
  body?: unknown;
  contentType?: string;
  delayMs?: number;
}

/** A real HTTP upstream on a free port that records every call it receives. */
async function upstream(reply: (seen: Seen, n: number) => Reply) {
  const calls: Seen[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString();
    const seen = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: raw ? JSON.parse(raw) : undefined,
    };
    calls.push(seen);
    const r = reply(seen, calls.length);
    const send = () => {
      if (r.body === undefined) return res.writeHead(r.status).end();
      const text = typeof r.body === 'string' || Buffer.isBuffer(r.body) ? r.body : JSON.stringify(r.body);
      res.writeHead(r.status, { 'content-type': r.contentType ?? 'application/json' }).end(text);
    };
    if (!r.delayMs) return send();
    const timer = setTimeout(send, r.delayMs);
    res.on('close', () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  servers.push(server);
  return { url, calls, server };
}

const servers: http.Server[] = [];
const clients: ServiceClient[] = [];
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  for (const s of servers) s.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

function client(opts: Partial<ServiceClientOptions> & { baseUrl: string }): ServiceClient {
  const c = createServiceClient({ name: 'upstream', ...opts });
  clients.push(c);
  return c;
}

async function rejectsUnavailable(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof AppError, `expected AppError, got ${String(err)}`);
    assert.equal(err.code, 'DEPENDENCY_UNAVAILABLE');
    assert.equal(err.status, 503);
    return err;
  }
  assert.fail('expected a rejection');
}

describe('service client', () => {
  test('round-trips JSON with a base path, query and body', async () => {
    const up = await upstream((seen) => ({ status: 201, body: { echo: seen.body, url: seen.url } }));
    const c = client({ baseUrl: `${up.url}/api/v1/` });
    const res = await c.post<{ echo: unknown; url: string }>(
      '/items',
      { name: 'Lamp', price: { amount: 1999, currency: 'USD' } },
      { query: { page: 2, tags: ['a', 'b c'], skip: undefined }, idempotencyKey: 'k-1' },
    );
    assert.equal(res.status, 201);
    assert.match(res.headers['content-type'] ?? '', /application\/json/);
    assert.deepEqual(res.body, {
      echo: { name: 'Lamp', price: { amount: 1999, currency: 'USD' } },
      url: '/api/v1/items?page=2&tags=a&tags=b+c',
    });
    const seen = up.calls[0];
    assert.equal(seen?.method, 'POST');
    assert.equal(seen?.headers['content-type'], 'application/json');
    assert.equal(seen?.headers['idempotency-key'], 'k-1');
  });

  test('an empty answer has an undefined body; a non-JSON one comes back as text', async () => {
    const up = await upstream((seen) =>
      seen.url === '/empty' ? { status: 204 } : { status: 200, body: 'plain', contentType: 'text/plain' },
    );
    const c = client({ baseUrl: up.url });
    assert.equal((await c.delete('/empty')).body, undefined);
    assert.equal((await c.get('/text')).body, 'plain');
  });

  test('a binary answer (a PDF) comes back as its exact bytes, not as decoded text', async () => {
    // Bytes that are not valid UTF-8: a text decoding would replace them.
    const pdf = Buffer.concat([
      Buffer.from('%PDF-1.3\n%'),
      Buffer.from([0xe2, 0xe3, 0xcf, 0xd3, 0xff, 0x00]),
    ]);
    const up = await upstream(() => ({ status: 200, body: pdf, contentType: 'application/pdf' }));
    const c = client({ baseUrl: up.url });
    const res = await c.get<Buffer>('/invoice.pdf');
    assert.ok(Buffer.isBuffer(res.body));
    assert.deepEqual(res.body, pdf);
    assert.equal(res.headers['content-type'], 'application/pdf');
  });

  test('copies correlation id, traceparent and authorization from the request context', async () => {
    const up = await upstream(() => ({ status: 200, body: {} }));
    const c = client({ baseUrl: up.url });
    const ctx = {
      correlationId: 'corr-1',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      authorization: 'Bearer user-token',
    };
    await runWithContext(ctx, () => c.get('/a'));
    await runWithContext(ctx, () =>
      c.get('/b', { headers: { 'X-Correlation-ID': 'mine', Authorization: 'Bearer other' } }),
    );
    await c.get('/c');

    const [a, b, none] = up.calls;
    assert.equal(a?.headers['x-correlation-id'], 'corr-1');
    assert.equal(a?.headers['traceparent'], ctx.traceparent);
    assert.equal(a?.headers['authorization'], 'Bearer user-token');
    assert.equal(b?.headers['x-correlation-id'], 'mine', 'the caller’s header wins');
    assert.equal(b?.headers['authorization'], 'Bearer other');
    assert.equal(b?.headers['traceparent'], ctx.traceparent);
    assert.equal(none?.headers['x-correlation-id'], undefined, 'nothing to copy outside a context');
  });

  test('a client-level authorization (service credential) wins over the context’s', async () => {
    const up = await upstream(() => ({ status: 200, body: {} }));
    const c = client({ baseUrl: up.url, headers: { Authorization: 'Bearer service' } });
    await runWithContext({ correlationId: 'c', authorization: 'Bearer user' }, () => c.get('/'));
    assert.equal(up.calls[0]?.headers['authorization'], 'Bearer service');
  });

  test('a GET answered 503, 503, 200 succeeds after two retries', async () => {
    const up = await upstream((_s, n) =>
      n <= 2 ? { status: 503, body: { code: 'BUSY' } } : { status: 200, body: { ok: true } },
    );
    const c = client({ baseUrl: up.url });
    const res = await c.get<{ ok: boolean }>('/flaky');
    assert.deepEqual(res.body, { ok: true });
    assert.equal(up.calls.length, 3);
  });

  test('a GET that keeps failing gives up after 1 + retries attempts with DEPENDENCY_UNAVAILABLE', async () => {
    const up = await upstream(() => ({ status: 500, body: { code: 'INTERNAL' } }));
    const c = client({ baseUrl: up.url, retries: 2 });
    const err = await rejectsUnavailable(c.get('/broken'));
    assert.equal(up.calls.length, 3);
    assert.ok(err.cause instanceof UpstreamFailure);
    assert.equal(err.cause.status, 500);
    assert.deepEqual(err.cause.body, { code: 'INTERNAL' });
  });

  test('a POST answered 503 is not retried and rejects with DEPENDENCY_UNAVAILABLE', async () => {
    const up = await upstream(() => ({ status: 503, body: { code: 'BUSY' } }));
    const c = client({ baseUrl: up.url });
    const err = await rejectsUnavailable(c.post('/orders', { a: 1 }));
    assert.equal(up.calls.length, 1);
    assert.ok(err.cause instanceof UpstreamFailure);
    assert.equal(err.cause.status, 503);
    await rejectsUnavailable(c.patch('/orders/1', { a: 2 }));
    assert.equal(up.calls.length, 2);
  });

  test('a slow upstream fails at the timeout, and timeouts of a GET are retried', async () => {
    const up = await upstream(() => ({ status: 200, body: {}, delayMs: 2_000 }));
    const once = client({ baseUrl: up.url, timeoutMs: 200, retries: 0 });
    const started = performance.now();
    const err = await rejectsUnavailable(once.get('/slow'));
    const took = performance.now() - started;
    assert.ok(took >= 190 && took < 600, `took ${took} ms`);
    assert.equal(err.message, 'upstream did not answer in time');
    assert.ok(err.cause instanceof UpstreamFailure);
    assert.match(err.cause.message, /GET \/slow timed out after 200 ms/);
    assert.equal(up.calls.length, 1);

    const twice = client({ baseUrl: up.url, timeoutMs: 200, retries: 1 });
    await rejectsUnavailable(twice.get('/slow'));
    assert.equal(up.calls.length, 3);
  });

  test('connection failures count as failures', async () => {
    const up = await upstream(() => ({ status: 200, body: {} }));
    await new Promise((resolve) => up.server.close(resolve));
    const c = client({ baseUrl: up.url, retries: 1, breaker: { consecutiveFailures: 2 } });
    const err = await rejectsUnavailable(c.get('/'));
    assert.ok(err.cause instanceof UpstreamFailure);
    assert.equal(c.breakerState(), 'open', 'both attempts counted');
  });

  test('the breaker opens after N failures, fails fast, then closes once the upstream recovers', async (t) => {
    // The breaker (cockatiel) reads Date.now: the test moves that clock instead of sleeping.
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
    let healthy = false;
    const up = await upstream(() => (healthy ? { status: 200, body: { ok: true } } : { status: 500 }));
    const c = client({
      baseUrl: up.url,
      retries: 0,
      breaker: { consecutiveFailures: 3, halfOpenAfterMs: 300 },
    });

    for (let i = 0; i < 3; i++) await rejectsUnavailable(c.get('/x'));
    assert.equal(up.calls.length, 3);
    assert.equal(c.breakerState(), 'open');

    const started = performance.now();
    const err = await rejectsUnavailable(c.get('/x'));
    await rejectsUnavailable(c.post('/x', {}));
    assert.ok(performance.now() - started < 200, 'fails fast');
    assert.equal(up.calls.length, 3, 'open breaker does not reach the server');
    assert.equal(err.headers?.['retry-after'], '1');

    // A failed probe opens it again.
    t.mock.timers.tick(300);
    await rejectsUnavailable(c.get('/x'));
    assert.equal(up.calls.length, 4);
    assert.equal(c.breakerState(), 'open');

    healthy = true;
    await rejectsUnavailable(c.get('/x'));
    assert.equal(up.calls.length, 4, 'still open until halfOpenAfterMs passes again');
    t.mock.timers.tick(299);
    await rejectsUnavailable(c.get('/x'));
    assert.equal(up.calls.length, 4, 'still open 1 ms before');
    t.mock.timers.tick(1);
    const res = await c.get<{ ok: boolean }>('/x');
    assert.deepEqual(res.body, { ok: true });
    assert.equal(c.breakerState(), 'closed');
    await c.get('/x');
    assert.equal(up.calls.length, 6);
  });

  test('a 404 is returned as is: not retried, not counted by the breaker', async () => {
    const problem = {
      type: 'https://mercato.dev/problems/not-found',
      title: 'Resource not found',
      status: 404,
      code: 'NOT_FOUND',
    };
    const up = await upstream(() => ({
      status: 404,
      body: problem,
      contentType: 'application/problem+json',
    }));
    const c = client({ baseUrl: up.url, breaker: { consecutiveFailures: 2 } });
    for (let i = 0; i < 5; i++) {
      const res = await c.get('/missing');
      assert.equal(res.status, 404);
      assert.deepEqual(res.body, problem);
    }
    assert.equal(up.calls.length, 5);
    assert.equal(c.breakerState(), 'closed');
  });

  test('a success in between resets the consecutive failure count', async () => {
    const up = await upstream((_s, n) => (n % 2 === 0 ? { status: 200, body: {} } : { status: 500 }));
    const c = client({ baseUrl: up.url, retries: 0, breaker: { consecutiveFailures: 2 } });
    for (let i = 0; i < 3; i++) {
      await rejectsUnavailable(c.get('/'));
      await c.get('/');
    }
    assert.equal(c.breakerState(), 'closed');
    assert.equal(up.calls.length, 6);
  });
});
