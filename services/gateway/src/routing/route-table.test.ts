import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serviceList } from '@mercato/contracts';
import { SERVICE_NAMES, isServiceName, publicPath, resolveRoute, resourceOwners } from './route-table.ts';

describe('route table', () => {
  it('sends each resource to the service that owns it, path unchanged', () => {
    const cases: [string, string][] = [
      ['/api/v1/settings', 'settings'],
      ['/api/v1/feature-flags/new-checkout/evaluate', 'settings'],
      ['/api/v1/products/019a/variants', 'catalog'],
      ['/api/v1/categories', 'catalog'],
      ['/api/v1/brands', 'catalog'],
      ['/api/v1/variants/0190a000-0000-7000-8000-000000000001', 'catalog'],
      ['/api/v1/inventory/reservations', 'inventory'],
      ['/api/v1/auth/login', 'identity'],
      ['/api/v1/users/me', 'identity'],
      ['/api/v1/api-keys', 'identity'],
      ['/api/v1/oauth/token', 'identity'],
    ];
    for (const [path, service] of cases) {
      assert.deepEqual(resolveRoute(path), { service, path }, path);
    }
  });

  it('routes every resource of every manifest to that service, and nothing else', () => {
    for (const m of serviceList) {
      for (const resource of m.resources) {
        assert.deepEqual(resolveRoute(`/api/v1/${resource}/x`), {
          service: m.name,
          path: `/api/v1/${resource}/x`,
        });
      }
    }
    const owners = resourceOwners();
    assert.equal(owners.size, serviceList.flatMap((m) => m.resources).length);
    for (const service of owners.values()) assert.ok(SERVICE_NAMES.includes(service));
  });

  it('refuses two services claiming one resource', () => {
    const base = { port: 1, schema: 's', description: '' };
    assert.throws(
      () =>
        resourceOwners([
          { ...base, name: 'catalog', resources: ['products'] },
          { ...base, name: 'inventory', resources: ['products'] },
        ]),
      /products is claimed by both catalog and inventory/,
    );
  });

  it('knows nothing of the resources of a service that has no manifest yet', () => {
    // review has no service yet: its resources reach no one until its manifest lands.
    assert.equal(resolveRoute('/api/v1/reviews/1'), undefined);
  });

  it('treats /api/<resource> as v1 and rewrites the path', () => {
    assert.deepEqual(resolveRoute('/api/settings'), { service: 'settings', path: '/api/v1/settings' });
    assert.deepEqual(resolveRoute('/api/inventory/reservations/42/commit'), {
      service: 'inventory',
      path: '/api/v1/inventory/reservations/42/commit',
    });
    assert.deepEqual(resolveRoute('/api/products/'), { service: 'catalog', path: '/api/v1/products/' });
  });

  it("maps /api/v1/admin/<service>/dead-letters to that service's /admin/dead-letters", () => {
    assert.deepEqual(resolveRoute('/api/v1/admin/settings/dead-letters'), {
      service: 'settings',
      path: '/admin/dead-letters',
    });
    assert.deepEqual(resolveRoute('/api/v1/admin/inventory/dead-letters/0191/replay'), {
      service: 'inventory',
      path: '/admin/dead-letters/0191/replay',
    });
    assert.deepEqual(resolveRoute('/api/admin/catalog/dead-letters'), {
      service: 'catalog',
      path: '/admin/dead-letters',
    });
  });

  it('sends /.well-known/* (OIDC discovery, JWKS) to identity with the path unchanged', () => {
    for (const path of ['/.well-known/openid-configuration', '/.well-known/jwks.json']) {
      assert.deepEqual(resolveRoute(path), { service: 'identity', path });
    }
    assert.equal(resolveRoute('/.well-known/'), undefined);
    assert.equal(publicPath('identity', '/.well-known/jwks.json'), '/.well-known/jwks.json');
    assert.equal(publicPath('settings', '/.well-known/jwks.json'), undefined);
    // Identity's internal routes (the API-key exchange) are never reachable through the gateway.
    assert.equal(resolveRoute('/internal/api-keys/exchange'), undefined);
  });

  it('does not route other admin paths or unknown services', () => {
    assert.equal(resolveRoute('/api/v1/admin/settings/users'), undefined);
    assert.equal(resolveRoute('/api/v1/admin/nope/dead-letters'), undefined);
    assert.equal(resolveRoute('/api/v1/admin/gateway/dead-letters'), undefined);
    assert.equal(resolveRoute('/api/v1/admin/settings'), undefined);
    assert.equal(resolveRoute('/api/v1/admin'), undefined);
    assert.equal(resolveRoute('/api/v1/admin/settings/dead-lettersX'), undefined);
  });

  it('knows nothing of unknown resources, other versions and paths outside /api', () => {
    for (const path of [
      '/api/v1/unknown',
      '/api/v1/settingsx',
      '/api/v1/',
      '/api/v1',
      '/api/',
      '/api/v2/settings',
      '/api/v1/constructor',
      '/api/__proto__',
      '/health/ready',
      '/apis/v1/settings',
      '/',
    ]) {
      assert.equal(resolveRoute(path), undefined, path);
    }
  });

  it('gives the public path of an upstream path only when the gateway routes it there', () => {
    assert.equal(publicPath('settings', '/api/v1/settings/{key}'), '/api/v1/settings/{key}');
    assert.equal(publicPath('settings', '/api/v1/products'), undefined);
    assert.equal(publicPath('settings', '/internal/cache'), undefined);
    assert.equal(
      publicPath('inventory', '/admin/dead-letters/{id}/replay'),
      '/api/v1/admin/inventory/dead-letters/{id}/replay',
    );
  });

  it('recognises service names', () => {
    assert.equal(isServiceName('settings'), true);
    assert.equal(isServiceName('gateway'), false);
    assert.equal(isServiceName('toString'), false);
  });
});
