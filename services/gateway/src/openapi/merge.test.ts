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
        get: { tags: ['settings'], responses: { 200: { $ref: '#/components/schemas/Setting' } } },
      },
      '/admin/dead-letters': { get: { tags: ['operations'] } },
      '/api/v1/products': { get: {} },
    },
    components: {
      schemas: { Problem: problem, Setting: { type: 'object', properties: { a: { type: 'string' } } } },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
  };
}

function catalogDoc(): OpenApiDoc {
  return {
    info: { title: 'Mercato catalog' },
    paths: {
      '/api/v1/products': { get: { responses: { 200: { $ref: '#/components/schemas/Setting' } } } },
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
