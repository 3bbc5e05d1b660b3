import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from 'node:http';
import { testAuth } from '@mercato/testing';
import { startGateway, startRawUpstream, type RawUpstream, type TestGateway } from './helpers.ts';

const UUID = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/;

describe('gateway proxying', () => {
  let upstream: RawUpstream;
  let gw: TestGateway;

  before(async () => {
    upstream = await startRawUpstream();
    gw = await startGateway({
      upstreams: { settings: upstream.url },
      bodyLimitBytes: 1024,
      uploadBodyLimitBytes: 4096,
    });
  });
  after(async () => {
    await gw.close();
    await upstream.close();
  });

  it('proxies a GET with its query string, and returns status, headers and body intact', async () => {
    upstream.respond = (_seen, res) => {
      res.writeHead(201, {
        'content-type': 'application/json',
        etag: '"v3"',
        location: '/api/v1/settings/a',
        'x-up': '1',
      });
      res.end('{"value":  "kept as sent"}');
    };
    const res = await fetch(`${gw.url}/api/v1/settings/a?page=2&search=a%20b&x=1&x=2`);
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('etag'), '"v3"');
    assert.equal(res.headers.get('location'), '/api/v1/settings/a');
    assert.equal(res.headers.get('x-up'), '1');
    assert.equal(await res.text(), '{"value":  "kept as sent"}');
    const seen = upstream.seen.at(-1);
    assert.equal(seen?.method, 'GET');
    assert.equal(seen?.url, '/api/v1/settings/a?page=2&search=a%20b&x=1&x=2');
  });

  it('streams answers of unknown length or over 1 MB intact, gathering only shorter ones', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024 + 7, 'b');
    upstream.respond = (seen, res) => {
      if (seen.url.endsWith('/big')) {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': big.length });
        res.end(big);
        return;
      }
      // Chunked: the length is known only at the end.
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first,');
      setImmediate(() => res.end('second'));
    };
    const chunked = await fetch(`${gw.url}/api/v1/settings/chunked`);
    assert.equal(chunked.status, 200);
    assert.equal(await chunked.text(), 'first,second');
    const large = await fetch(`${gw.url}/api/v1/settings/big`);
    assert.equal(large.headers.get('content-length'), String(big.length));
    assert.ok(Buffer.from(await large.arrayBuffer()).equals(big));
  });

  it('proxies a POST body byte for byte, without parsing it', async () => {
    upstream.respond = (seen, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(seen.body);
    };
    const body = '{ "b":1,\n  "a":[1, 2] }';
    const res = await fetch(`${gw.url}/api/v1/feature-flags`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), body);
    const seen = upstream.seen.at(-1);
    assert.equal(seen?.body, body);
    assert.equal(seen?.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(seen?.headers['content-length'], String(Buffer.byteLength(body)));
  });

  it('proxies a chunked body within the limit', async () => {
    upstream.respond = (seen, res) => res.end(seen.body);
    const stream = new Blob(['part one, ', 'part two']).stream();
    const res = await fetch(`${gw.url}/api/v1/settings/x`, {
      method: 'PUT',
      body: stream,
      duplex: 'half',
      headers: { 'content-type': 'application/octet-stream' },
    } as RequestInit);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'part one, part two');
  });

  it('answers /api/<resource> as v1', async () => {
    upstream.respond = (_seen, res) => res.end('ok');
    const res = await fetch(`${gw.url}/api/settings/a?q=1`);
    assert.equal(res.status, 200);
    await res.text();
    assert.equal(upstream.seen.at(-1)?.url, '/api/v1/settings/a?q=1');
  });

  it("sends /api/v1/admin/<service>/dead-letters to the service's /admin/dead-letters", async () => {
    upstream.respond = (_seen, res) => res.end('[]');
    const res = await fetch(`${gw.url}/api/v1/admin/settings/dead-letters/0191/replay?x=1`, {
      method: 'POST',
    });
    assert.equal(res.status, 200);
    await res.text();
    assert.equal(upstream.seen.at(-1)?.url, '/admin/dead-letters/0191/replay?x=1');
  });

  it('forwards the caller headers upstream and adds X-Forwarded-*', async () => {
    upstream.respond = (_seen, res) => res.end('ok');
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const { authorization } = await (await testAuth()).headers({ roles: ['admin'] });
    const res = await fetch(`${gw.url}/api/v1/settings/a`, {
      method: 'PUT',
      body: '{}',
      headers: {
        authorization,
        'idempotency-key': 'k-1',
        'if-match': '"3"',
        'if-none-match': '"4"',
        traceparent,
        'content-type': 'application/json',
      },
    });
    await res.text();
    const h = upstream.seen.at(-1)?.headers ?? {};
    assert.equal(h.authorization, authorization);
    assert.equal(h['idempotency-key'], 'k-1');
    assert.equal(h['if-match'], '"3"');
    assert.equal(h['if-none-match'], '"4"');
    assert.equal(h.traceparent, traceparent);
    assert.equal(h['x-forwarded-for'], '127.0.0.1');
    assert.equal(h['x-forwarded-proto'], 'http');
    assert.equal(h['x-forwarded-host'], new URL(gw.url).host);
    assert.equal(h.host, new URL(upstream.url).host);
  });

  it('echoes a given X-Correlation-ID and passes it upstream', async () => {
    upstream.respond = (_seen, res) => res.end('ok');
    const res = await fetch(`${gw.url}/api/v1/settings`, { headers: { 'x-correlation-id': 'corr-given-1' } });
    await res.text();
    assert.equal(res.headers.get('x-correlation-id'), 'corr-given-1');
    assert.equal(upstream.seen.at(-1)?.headers['x-correlation-id'], 'corr-given-1');
  });

  it('makes an X-Correlation-ID when none is given, and the upstream sees the same one', async () => {
    upstream.respond = (_seen, res) => res.end('ok');
    const res = await fetch(`${gw.url}/api/v1/settings`, { headers: { traceparent: 'garbage' } });
    await res.text();
    const id = res.headers.get('x-correlation-id');
    assert.match(id ?? '', UUID);
    assert.equal(upstream.seen.at(-1)?.headers['x-correlation-id'], id);
    assert.match(String(upstream.seen.at(-1)?.headers.traceparent), /^00-[\da-f]{32}-[\da-f]{16}-01$/);
  });

  it('answers unknown routes with a 404 problem and never calls an upstream', async () => {
    const before = upstream.seen.length;
    for (const path of ['/api/v1/nope', '/api/v2/settings', '/elsewhere']) {
      const res = await fetch(`${gw.url}${path}`);
      assert.equal(res.status, 404, path);
      assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
      const body = (await res.json()) as { code: string; status: number };
      assert.equal(body.code, 'ROUTE_NOT_FOUND');
      assert.equal(body.status, 404);
    }
    assert.equal(upstream.seen.length, before);
  });

  it('answers a resource whose service is not deployed here with 404 GATEWAY_ROUTE_NOT_FOUND', async () => {
    const res = await fetch(`${gw.url}/api/v1/products`);
    assert.equal(res.status, 404);
    const body = (await res.json()) as { code: string; detail: string };
    assert.equal(body.code, 'GATEWAY_ROUTE_NOT_FOUND');
    assert.match(body.detail, /catalog/);
  });

  it('refuses a body over the limit with 413 before the upstream sees it', async () => {
    const before = upstream.seen.length;
    const res = await fetch(`${gw.url}/api/v1/settings/a`, {
      method: 'PUT',
      body: 'x'.repeat(2000),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(res.status, 413);
    assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.equal(((await res.json()) as { code: string }).code, 'PAYLOAD_TOO_LARGE');
    const chunked = await fetch(`${gw.url}/api/v1/settings/a`, {
      method: 'PUT',
      body: new Blob(['y'.repeat(800), 'y'.repeat(800)]).stream(),
      duplex: 'half',
    } as RequestInit);
    assert.equal(chunked.status, 413);
    await chunked.text();
    assert.equal(upstream.seen.length, before);
  });

  it('lets a bulk upload (POST …/import) through up to its own larger limit, and no further', async () => {
    const before = upstream.seen.length;
    const csv = 'handle,title\n' + 'a-handle,A title\n'.repeat(150);
    const res = await fetch(`${gw.url}/api/v1/settings/import`, {
      method: 'POST',
      body: csv,
      headers: { 'content-type': 'text/csv' },
    });
    assert.equal(res.status, 200);
    await res.text();
    assert.equal(upstream.seen.length, before + 1);
    assert.equal(upstream.seen.at(-1)?.body, csv);
    const tooBig = await fetch(`${gw.url}/api/v1/settings/import`, {
      method: 'POST',
      body: csv.repeat(3),
      headers: { 'content-type': 'text/csv' },
    });
    assert.equal(tooBig.status, 413);
    await tooBig.text();
    // The larger limit is for uploads only: the same body elsewhere is refused.
    const elsewhere = await fetch(`${gw.url}/api/v1/settings/other`, {
      method: 'POST',
      body: csv,
      headers: { 'content-type': 'text/csv' },
    });
    assert.equal(elsewhere.status, 413);
    await elsewhere.text();
    assert.equal(upstream.seen.length, before + 1);
  });

  it('refuses paths that climb out of the resource with 400, before any upstream call', async () => {
    const before = upstream.seen.length;
    const { hostname, port } = new URL(gw.url);
    for (const path of ['/api/v1/settings/../../health/ready', '/api/v1/settings/%2e%2e/%2E%2E/admin']) {
      // fetch would normalise the dots away; node:http sends the path as written.
      const status = await new Promise<number | undefined>((resolve, reject) => {
        request({ hostname, port, path }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode));
        })
          .on('error', reject)
          .end();
      });
      assert.equal(status, 400, path);
    }
    assert.equal(upstream.seen.length, before);
  });
});
