import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Type } from 'typebox';
import { deadUrl, startGateway, startKitUpstream, startRawUpstream, type TestGateway } from './helpers.ts';

type Kit = Awaited<ReturnType<typeof startKitUpstream>>;

describe('gateway surface: CORS and security headers', () => {
  let upstream: Awaited<ReturnType<typeof startRawUpstream>>;
  let withCors: TestGateway;
  let withoutCors: TestGateway;

  before(async () => {
    upstream = await startRawUpstream((_seen, res) => {
      res.writeHead(200, { 'content-type': 'application/json', etag: '"1"' });
      res.end('{}');
    });
    withCors = await startGateway({
      upstreams: { settings: upstream.url },
      corsOrigins: ['https://shop.example'],
    });
    withoutCors = await startGateway({ upstreams: { settings: upstream.url } });
  });
  after(async () => {
    await withCors.close();
    await withoutCors.close();
    await upstream.close();
  });

  const preflight = (url: string) =>
    fetch(`${url}/api/v1/settings/a`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'authorization, if-match, content-type',
      },
    });

  it('answers a CORS preflight itself when origins are configured', async () => {
    const before = upstream.seen.length;
    const res = await preflight(withCors.url);
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), 'https://shop.example');
    assert.match(res.headers.get('access-control-allow-methods') ?? '', /PUT/);
    assert.equal(res.headers.get('access-control-allow-headers'), 'authorization, if-match, content-type');
    assert.equal(upstream.seen.length, before, 'the preflight is not proxied');

    const actual = await fetch(`${withCors.url}/api/v1/settings/a`, {
      headers: { origin: 'https://shop.example' },
    });
    await actual.text();
    assert.equal(actual.headers.get('access-control-allow-origin'), 'https://shop.example');
    const exposed = actual.headers.get('access-control-expose-headers') ?? '';
    for (const h of ['X-Correlation-ID', 'ETag', 'Location', 'RateLimit', 'Retry-After'])
      assert.match(exposed, new RegExp(h));
  });

  it('sends no CORS headers to an origin not on the list', async () => {
    const res = await fetch(`${withCors.url}/api/v1/settings/a`, {
      headers: { origin: 'https://evil.example' },
    });
    await res.text();
    assert.equal(res.headers.get('access-control-allow-origin'), null);
  });

  it('sends no CORS headers at all when no origins are configured', async () => {
    const res = await preflight(withoutCors.url);
    await res.text();
    assert.equal(res.headers.get('access-control-allow-origin'), null);
    const actual = await fetch(`${withoutCors.url}/api/v1/settings/a`, {
      headers: { origin: 'https://shop.example' },
    });
    await actual.text();
    assert.equal(actual.headers.get('access-control-allow-origin'), null);
  });

  it('adds API-suited security headers: nosniff, frame denial, no CSP, no HSTS on plain http', async () => {
    for (const path of ['/api/v1/settings/a', '/health/live', '/api/v1/nope']) {
      const res = await fetch(`${withoutCors.url}${path}`);
      await res.text();
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(res.headers.get('x-frame-options'), 'SAMEORIGIN', path);
      assert.equal(res.headers.get('content-security-policy'), null, path);
      assert.equal(res.headers.get('strict-transport-security'), null, path);
    }
  });

  it('adds HSTS when a max-age is configured', async () => {
    const gw = await startGateway({ upstreams: {}, hstsMaxAge: 31536000 });
    try {
      const res = await fetch(`${gw.url}/health/live`);
      assert.match(res.headers.get('strict-transport-security') ?? '', /max-age=31536000/);
    } finally {
      await gw.close();
    }
  });
});

describe('gateway surface: health, OpenAPI, docs, seams', () => {
  let settings: Kit;
  let catalog: Kit;

  before(async () => {
    settings = await startKitUpstream('settings', (app) => {
      app.get(
        '/api/v1/settings/:key',
        { schema: { tags: ['settings'], params: Type.Object({ key: Type.String() }) } },
        async (req) => ({ key: req.params.key }),
      );
    });
    catalog = await startKitUpstream('catalog', (app) => {
      app.get('/api/v1/products', { schema: { tags: ['products'] } }, async () => ({ items: [] }));
    });
  });
  after(async () => {
    await settings.close();
    await catalog.close();
  });

  it('is ready when every upstream is ready, listing each', async () => {
    const gw = await startGateway({ upstreams: { settings: settings.url, catalog: catalog.url } });
    try {
      const res = await fetch(`${gw.url}/health/ready`);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), {
        status: 'ready',
        checks: { settings: { status: 'up' }, catalog: { status: 'up' } },
      });
      assert.equal((await fetch(`${gw.url}/health/live`)).status, 200);
    } finally {
      await gw.close();
    }
  });

  it('stays ready (200, degraded) when one upstream is down, says which and still serves the others', async () => {
    const gw = await startGateway({ upstreams: { settings: settings.url, catalog: await deadUrl() } });
    try {
      const res = await fetch(`${gw.url}/health/ready`);
      assert.equal(res.status, 200);
      const body = (await res.json()) as { status: string; checks: Record<string, { status: string }> };
      assert.equal(body.status, 'degraded');
      assert.equal(body.checks.settings?.status, 'up');
      assert.equal(body.checks.catalog?.status, 'down');
      const served = await fetch(`${gw.url}/api/v1/settings/site.name`);
      assert.equal(served.status, 200);
      assert.deepEqual(await served.json(), { key: 'site.name' });
      const metrics = await (await fetch(`${gw.url}/metrics`)).text();
      assert.match(metrics, /^dependency_up\{dependency="catalog",service="gateway"\} 0$/m);
      assert.match(metrics, /^dependency_up\{dependency="settings",service="gateway"\} 1$/m);
    } finally {
      await gw.close();
    }
  });

  it('serves one OpenAPI document merged from every upstream, listing those that are down', async () => {
    const gw = await startGateway({
      upstreams: { settings: settings.url, catalog: catalog.url, inventory: await deadUrl() },
    });
    try {
      const res = await fetch(`${gw.url}/openapi.json`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      const doc = (await res.json()) as {
        paths: Record<string, { get: { tags: string[] } }>;
        components: { schemas: Record<string, unknown> };
        'x-unavailable': string[];
      };
      assert.deepEqual(Object.keys(doc.paths).sort(), ['/api/v1/products', '/api/v1/settings/{key}']);
      assert.deepEqual(doc.paths['/api/v1/products']?.get.tags, ['catalog']);
      assert.deepEqual(doc.paths['/api/v1/settings/{key}']?.get.tags, ['settings']);
      assert.ok(doc.components.schemas.Problem, 'shared schemas are kept');
      assert.deepEqual(doc['x-unavailable'], ['inventory']);

      const ui = await fetch(`${gw.url}/docs/json`);
      assert.deepEqual(Object.keys(((await ui.json()) as typeof doc).paths).length, 2);
    } finally {
      await gw.close();
    }
  });

  it('serves Swagger UI as HTML from the installed package', async () => {
    const gw = await startGateway({ upstreams: { settings: settings.url } });
    try {
      const res = await fetch(`${gw.url}/docs`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      const html = await res.text();
      assert.match(html, /swagger-ui-bundle\.js/);
      assert.doesNotMatch(html, /https?:\/\/(cdn|unpkg|cdnjs)/);
      const bundle = await fetch(`${gw.url}/docs/static/swagger-ui-bundle.js`);
      assert.equal(bundle.status, 200);
      await bundle.arrayBuffer();
    } finally {
      await gw.close();
    }
  });

  it('leads a visitor at the root to the API documentation', async () => {
    const gw = await startGateway({ upstreams: { settings: settings.url } });
    try {
      const res = await fetch(`${gw.url}/`, { redirect: 'manual' });
      assert.equal(res.status, 302);
      assert.equal(res.headers.get('location'), '/docs');
    } finally {
      await gw.close();
    }
  });

  it('verifies bearer tokens before proxying, and mounts extra routes', async () => {
    const gw = await startGateway({
      upstreams: { settings: settings.url },
      extraRoutes: (app) => {
        app.get('/', async (_req, reply) => reply.type('text/html').send('<h1>web</h1>'));
      },
    });
    try {
      const refused = await fetch(`${gw.url}/api/v1/settings/a`, { headers: { authorization: 'Bearer ok' } });
      assert.equal(refused.status, 401);
      assert.match(
        refused.headers.get('www-authenticate') ?? '',
        /^Bearer realm="mercato", error="invalid_token"/,
      );
      const ok = await fetch(`${gw.url}/api/v1/settings/a`);
      assert.equal(ok.status, 200);
      assert.deepEqual(await ok.json(), { key: 'a' });
      assert.equal(await (await fetch(`${gw.url}/`)).text(), '<h1>web</h1>');
    } finally {
      await gw.close();
    }
  });

  it('proxies HEAD requests', async () => {
    const gw = await startGateway({ upstreams: { settings: settings.url } });
    try {
      const res = await fetch(`${gw.url}/api/v1/settings/a`, { method: 'HEAD' });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    } finally {
      await gw.close();
    }
  });
});
