import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeSpecs, type OpenApiDoc } from './merge.ts';

const info = { title: 'Mercato API', version: '1' };
const problem = { type: 'object', properties: { code: { type: 'string' } } };

function settingsDoc(): OpenApiDoc {
  return {
    info: { title: 'Mercato settings' },
    paths: {
      '/api/v1/settings/{key}': {
        get: {
          tags: ['settings'],
          security: [],
          responses: { 200: { $ref: '#/components/schemas/Setting' } },
        },
        put: {
          operationId: 'putSettingsByKey',
          security: [{ bearer: ['settings:write'] }],
          responses: { 401: { description: 'Unauthorized' } },
        },
      },
      '/admin/dead-letters': {
        get: {
          tags: ['operations'],
          operationId: 'getAdminDeadLetters',
          security: [{ bearer: ['dead-letters:replay'] }],
        },
      },
      '/api/v1/products': { get: {} },
    },
    components: {
      schemas: { Problem: problem, Setting: { type: 'object', properties: { a: { type: 'string' } } } },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        clientBasic: { type: 'http', scheme: 'basic' },
      },
    },
  };
}

function catalogDoc(): OpenApiDoc {
  return {
    info: { title: 'Mercato catalog' },
    paths: {
      '/api/v1/products': { get: { responses: { 200: { $ref: '#/components/schemas/Setting' } } } },
      '/admin/dead-letters': {
        get: { operationId: 'getAdminDeadLetters', security: [{ bearer: ['dead-letters:replay'] }] },
      },
    },
    components: { schemas: { Problem: problem, Setting: { type: 'integer' } } },
  };
}

describe('merged OpenAPI', () => {
  it('keeps the paths each service owns under their public path, tagged by service', () => {
    const doc = mergeSpecs(
      [
        { service: 'settings', doc: settingsDoc() },
        { service: 'catalog', doc: catalogDoc() },
      ],
      ['order'],
      info,
    );
    assert.deepEqual(Object.keys(doc.paths ?? {}).sort(), [
      '/api/v1/admin/catalog/dead-letters',
      '/api/v1/admin/settings/dead-letters',
      '/api/v1/products',
      '/api/v1/settings/{key}',
    ]);
    assert.deepEqual((doc.paths?.['/api/v1/admin/settings/dead-letters']?.get as { tags: string[] }).tags, [
      'settings',
    ]);
    assert.deepEqual((doc.paths?.['/api/v1/products']?.get as { tags: string[] }).tags, ['catalog']);
    assert.deepEqual(
      doc.tags?.map((t) => t.name),
      ['catalog', 'settings'],
    );
    assert.deepEqual(doc['x-unavailable'], ['order']);
  });

  it('shares identical schemas and renames conflicting ones, rewriting their refs', () => {
    const doc = mergeSpecs(
      [
        { service: 'settings', doc: settingsDoc() },
        { service: 'catalog', doc: catalogDoc() },
      ],
      [],
      info,
    );
    const schemas = doc.components?.schemas ?? {};
    assert.deepEqual(Object.keys(schemas).sort(), ['Problem', 'Setting', 'settings_Setting']);
    assert.deepEqual(schemas.Setting, { type: 'integer' }); // catalog merges first (name order)
    const settingsGet = doc.paths?.['/api/v1/settings/{key}']?.get as {
      responses: Record<string, { $ref: string }>;
    };
    assert.equal(settingsGet.responses['200']?.$ref, '#/components/schemas/settings_Setting');
    const productsGet = doc.paths?.['/api/v1/products']?.get as {
      responses: Record<string, { $ref: string }>;
    };
    assert.equal(productsGet.responses['200']?.$ref, '#/components/schemas/Setting');
    assert.ok(doc.components?.securitySchemes?.bearer);
  });

  it("gives each service's dead-letter operations the operationId of their public path, so ids stay unique", () => {
    const doc = mergeSpecs(
      [
        { service: 'settings', doc: settingsDoc() },
        { service: 'catalog', doc: catalogDoc() },
      ],
      [],
      info,
    );
    const id = (path: string, method = 'get') =>
      (doc.paths?.[path]?.[method] as { operationId: string }).operationId;
    assert.equal(id('/api/v1/admin/catalog/dead-letters'), 'getAdminCatalogDeadLetters');
    assert.equal(id('/api/v1/admin/settings/dead-letters'), 'getAdminSettingsDeadLetters');
    assert.equal(id('/api/v1/settings/{key}', 'put'), 'putSettingsByKey');
    assert.equal(id('/api/v1/products'), 'getProducts', 'an operation without one gets one');
  });

  it('documents on every proxied operation the 429, 502, 503 and 504 problems the gateway answers itself', () => {
    const doc = mergeSpecs([{ service: 'settings', doc: settingsDoc() }], [], info);
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      for (const [method, op] of Object.entries(item)) {
        const responses = (op as { responses: Record<string, { $ref?: string }> }).responses;
        assert.equal(responses['429']?.$ref, '#/components/responses/RateLimited', `${method} ${path}`);
        assert.equal(responses['502']?.$ref, '#/components/responses/UpstreamError');
        assert.equal(responses['503']?.$ref, '#/components/responses/UpstreamUnavailable');
        assert.equal(responses['504']?.$ref, '#/components/responses/UpstreamTimeout');
      }
    }
    const put = doc.paths?.['/api/v1/settings/{key}']?.put as { responses: Record<string, unknown> };
    assert.deepEqual(
      put.responses['401'],
      { description: 'Unauthorized' },
      "the service's own answers are kept",
    );
    const responses = doc.components?.responses as Record<
      string,
      { headers?: Record<string, unknown>; content: Record<string, { schema: { $ref: string } }> }
    >;
    assert.deepEqual(Object.keys(responses.RateLimited?.content ?? {}), ['application/problem+json']);
    assert.equal(
      responses.UpstreamTimeout?.content['application/problem+json']?.schema.$ref,
      '#/components/schemas/Problem',
    );
    assert.ok(responses.RateLimited?.headers?.['Retry-After'], '429 says when to retry');
  });

  it('offers an API key wherever a bearer token is required, and keeps only the security schemes in use', () => {
    const doc = mergeSpecs([{ service: 'settings', doc: settingsDoc() }], [], info);
    const security = (method: string) =>
      (doc.paths?.['/api/v1/settings/{key}']?.[method] as { security: unknown[] }).security;
    assert.deepEqual(security('put'), [{ bearer: ['settings:write'] }, { apiKey: ['settings:write'] }]);
    assert.deepEqual(security('get'), []);
    assert.deepEqual(Object.keys(doc.components?.securitySchemes ?? {}).sort(), ['apiKey', 'bearer']);
  });

  it('names generated schemas (def-N) by their title, so the same schema is shared', () => {
    const doc = (service: 'settings' | 'catalog', n: number): OpenApiDoc => ({
      paths: {
        [service === 'settings' ? '/api/v1/settings' : '/api/v1/products']: {
          get: { responses: { 404: { $ref: `#/components/schemas/def-${n}` } } },
        },
      },
      components: { schemas: { [`def-${n}`]: { ...problem, title: 'Problem' } } },
    });
    const merged = mergeSpecs(
      [
        { service: 'settings', doc: doc('settings', 0) },
        { service: 'catalog', doc: doc('catalog', 3) },
      ],
      [],
      info,
    );
    assert.deepEqual(Object.keys(merged.components?.schemas ?? {}), ['Problem']);
    const get = merged.paths?.['/api/v1/settings']?.get as { responses: Record<string, { $ref: string }> };
    assert.equal(get.responses['404']?.$ref, '#/components/schemas/Problem');
  });

  it('is an empty but valid document when no upstream answered', () => {
    const doc = mergeSpecs([], ['settings'], info);
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(doc.paths, {});
    assert.deepEqual(doc['x-unavailable'], ['settings']);
  });
});
