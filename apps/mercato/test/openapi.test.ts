// The gateway's merged /openapi.json, from every service built in-process on PGlite: a
// stock OpenAPI linter finds no error in it, each operation says its security, problem
// answers are application/problem+json, defaults are optional, and a typed client
// generated from it compiles the README's calls (issue #14, items 15-18).
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import ts from 'typescript';
import { buildGateway, type Gateway } from '@mercato/gateway';
import { createLogger } from '@mercato/platform/logging';
import { closeTestPglite, startTestService, testAuth, type TestService } from '@mercato/testing';
import { services } from '../src/service-registry.ts';

interface MediaType {
  schema?: { $ref?: string; properties?: Record<string, unknown>; required?: string[] };
  example?: unknown;
  examples?: Record<string, unknown>;
}
interface Response {
  $ref?: string;
  description?: string;
  headers?: Record<string, unknown>;
  content?: Record<string, MediaType>;
}
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: { default?: unknown };
  example?: unknown;
}
interface Operation {
  operationId?: string;
  security?: Array<Record<string, string[]>>;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, Response>;
}
interface Doc {
  paths: Record<string, Record<string, Operation>>;
  components: {
    securitySchemes: Record<string, { type: string; in?: string; name?: string }>;
    responses: Record<string, Response>;
    schemas: Record<string, MediaType['schema']>;
  };
  'x-unavailable': string[];
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch']);

function operations(doc: Doc): Array<[string, string, Operation]> {
  return Object.entries(doc.paths).flatMap(([p, item]) =>
    Object.entries(item)
      .filter(([m]) => METHODS.has(m))
      .map(([m, op]): [string, string, Operation] => [m, p, op]),
  );
}

/** A response, its `$ref` to components.responses followed. */
function resolved(doc: Doc, r: Response): Response {
  return r.$ref ? (doc.components.responses[r.$ref.split('/').pop() ?? ''] ?? {}) : r;
}

const needsToken = (op: Operation) =>
  op.security !== undefined &&
  op.security.length > 0 &&
  !op.security.some((r) => Object.keys(r).length === 0);

describe('the merged OpenAPI document', () => {
  const running: TestService<unknown, unknown>[] = [];
  let gateway: Gateway;
  let base: string;
  let doc: Doc;

  before(async () => {
    const upstreams: Record<string, string> = {};
    for (const s of services) {
      const svc = await startTestService(s.definition, 'pglite');
      running.push(svc);
      upstreams[s.name] = await svc.runtime.listen(0, '127.0.0.1');
    }
    gateway = await buildGateway({
      upstreams,
      logger: createLogger({ service: 'gateway', level: 'silent' }),
      auth: { tokenVerifier: (await testAuth()).verifier },
      // One anonymous call per secured operation must not run into the per-IP limit.
      rateLimit: { anonymous: 10_000 },
    });
    base = await gateway.app.listen({ port: 0, host: '127.0.0.1' });
    const res = await fetch(`${base}/openapi.json`);
    assert.equal(res.status, 200);
    doc = (await res.json()) as Doc;
    assert.deepEqual(doc['x-unavailable'], [], 'every service is in the document');
  });
  after(async () => {
    await gateway?.close();
    for (const s of running.reverse()) await s.close();
    await closeTestPglite();
  });

  test('a stock OpenAPI linter (Redocly, recommended rules) reports no error', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({
      source: JSON.stringify(doc),
      absoluteRef: '/openapi.json',
      config,
    });
    const errors = problems.map(
      (p) => `${p.severity} ${p.ruleId}: ${p.message} ${p.location[0]?.pointer ?? ''}`,
    );
    assert.deepEqual(
      errors.filter((e) => e.startsWith('error')),
      [],
    );
    // Examples that do not fit their schema would mislead a reader and a mock server alike.
    assert.deepEqual(
      errors.filter((e) =>
        /no-invalid-(media-type|parameter|schema)-examples|operation-4xx-response/.test(e),
      ),
      [],
    );
  });

  describe('security (item 15)', () => {
    test('every operation declares its security: none, a bearer token or an API key with the permissions', () => {
      const ops = operations(doc);
      assert.ok(ops.length >= 70, `${ops.length} operations`);
      for (const [m, p, op] of ops) assert.ok(Array.isArray(op.security), `${m} ${p} declares security`);
      const security = (m: string, p: string) => doc.paths[p]?.[m]?.security;
      assert.deepEqual(security('get', '/api/v1/feature-flags'), []);
      assert.deepEqual(security('post', '/api/v1/auth/login'), []);
      assert.deepEqual(security('post', '/api/v1/feature-flags'), [
        { bearer: ['settings:write'] },
        { apiKey: ['settings:write'] },
      ]);
      assert.deepEqual(security('get', '/api/v1/auth/me'), [{ bearer: [] }, { apiKey: [] }]);
      assert.deepEqual(security('get', '/api/v1/products'), [
        {},
        { bearer: ['catalog:write'] },
        { apiKey: ['catalog:write'] },
      ]);
      assert.deepEqual(security('post', '/api/v1/oauth/token'), [{ clientBasic: [] }, {}]);
      const schemes = doc.components.securitySchemes;
      assert.deepEqual(Object.keys(schemes).sort(), ['apiKey', 'bearer', 'clientBasic']);
      assert.deepEqual([schemes.apiKey?.in, schemes.apiKey?.name], ['header', 'X-API-Key']);
    });

    test('an operation that declares a token answers an anonymous caller 401, as it documents', async () => {
      const secured = operations(doc).filter(([, , op]) => needsToken(op));
      assert.ok(secured.length >= 40, `${secured.length} secured operations`);
      const refused: string[] = [];
      for (const [m, p, op] of secured) {
        assert.ok(op.responses['401'], `${m} ${p} documents 401`);
        let url = p;
        const query = new URLSearchParams();
        for (const param of op.parameters ?? []) {
          if (param.in === 'path')
            url = url.replace(`{${param.name}}`, encodeURIComponent(String(param.example)));
          else if (param.in === 'query' && param.required) query.set(param.name, String(param.example));
        }
        const json = op.requestBody?.content['application/json'];
        const res = await fetch(`${base}${url}${query.size > 0 ? `?${query}` : ''}`, {
          method: m.toUpperCase(),
          ...(json && {
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(json.example),
          }),
        });
        await res.arrayBuffer();
        if (res.status !== 401) refused.push(`${m} ${p}: ${res.status}`);
      }
      assert.deepEqual(refused, []);
    });
  });

  describe('problem answers (item 16)', () => {
    test('every answer with a Problem body is application/problem+json, and only that', () => {
      let problems = 0;
      for (const [m, p, op] of operations(doc)) {
        for (const [status, r] of Object.entries(op.responses)) {
          for (const [type, media] of Object.entries(resolved(doc, r).content ?? {})) {
            if (media.schema?.$ref !== '#/components/schemas/Problem') continue;
            problems += 1;
            assert.equal(type, 'application/problem+json', `${m} ${p} ${status}`);
          }
        }
      }
      assert.ok(problems > 300, `${problems} problem answers`);
    });

    test("every proxied operation documents the gateway's 429 (with Retry-After), 503 and 504", () => {
      for (const [m, p, op] of operations(doc)) {
        for (const status of ['429', '503', '504']) {
          const r = op.responses[status];
          assert.ok(r, `${m} ${p} documents ${status}`);
          assert.deepEqual(Object.keys(resolved(doc, r).content ?? {}), ['application/problem+json']);
        }
        assert.ok(resolved(doc, op.responses['429'] ?? {}).headers?.['Retry-After']);
      }
    });
  });

  describe('defaults (item 17)', () => {
    test('no query parameter or request body property with a default is required', () => {
      let defaulted = 0;
      for (const [m, p, op] of operations(doc)) {
        for (const param of op.parameters ?? []) {
          if (param.schema?.default === undefined) continue;
          defaulted += 1;
          assert.notEqual(param.required, true, `${m} ${p} ?${param.name}`);
        }
        const body = op.requestBody?.content['application/json']?.schema;
        for (const [name, prop] of Object.entries(body?.properties ?? {}))
          if ((prop as { default?: unknown }).default !== undefined)
            assert.ok(!body?.required?.includes(name), `${m} ${p} body.${name}`);
      }
      assert.ok(defaulted >= 35, `${defaulted} parameters with defaults`);
    });

    test("a typed client generated from the document compiles the README's calls (and refuses a wrong one)", async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'mercato-client-'));
      try {
        await writeFile(
          path.join(dir, 'mercato-api.ts'),
          astToString(await openapiTS(doc as unknown as OpenAPI3)),
        );
        const calls = path.join(dir, 'readme-calls.ts');
        await writeFile(calls, README_CALLS);
        const wrong = path.join(dir, 'wrong-call.ts');
        await writeFile(
          wrong,
          `${CLIENT}\nexport const wrong = api.GET('/api/v1/products', { params: { query: { pageSize: 'five' } } });\n`,
        );
        assert.deepEqual(typeErrors(calls), []);
        assert.equal(typeErrors(wrong).length, 1, 'the check can fail');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });

  describe('operationIds, examples and paths (item 18)', () => {
    test('every operation has a unique operationId and at least one example', () => {
      const ids = new Set<string>();
      for (const [m, p, op] of operations(doc)) {
        assert.ok(op.operationId, `${m} ${p} has an operationId`);
        assert.ok(!ids.has(op.operationId), `${op.operationId} is unique`);
        ids.add(op.operationId);
        const media = [
          ...Object.values(op.requestBody?.content ?? {}),
          ...Object.values(op.responses).flatMap((r) => Object.values(resolved(doc, r).content ?? {})),
        ];
        const examples =
          (op.parameters ?? []).filter((x) => x.example !== undefined).length +
          media.filter((x) => x.example !== undefined || x.examples !== undefined).length;
        assert.ok(examples > 0, `${m} ${p} has an example`);
      }
    });

    test('POST /api/v1/products/import documents its upload formats, with examples, and its report', () => {
      const op = doc.paths['/api/v1/products/import']?.post;
      const content = op?.requestBody?.content ?? {};
      assert.deepEqual(Object.keys(content).sort(), [
        'application/jsonl',
        'application/x-ndjson',
        'text/csv',
      ]);
      assert.match(String(content['text/csv']?.example), /^handle,title,/);
      assert.match(String(content['application/x-ndjson']?.example), /^\{"handle":/);
      const report = op?.responses['200']?.content?.['application/json']?.schema;
      assert.deepEqual(report?.required, ['batches', 'totals']);
      assert.ok(
        op?.responses['415'] && op.responses['413'],
        'other formats and oversized bodies are documented',
      );
    });

    test('no two path templates differ only in their parameter names', () => {
      const shapes = new Map<string, string>();
      for (const p of Object.keys(doc.paths)) {
        const shape = p.replace(/\{[^}]+\}/g, '{}');
        assert.equal(shapes.get(shape), undefined, `${p} and ${shapes.get(shape)}`);
        shapes.set(shape, p);
      }
      assert.ok(doc.paths['/api/v1/products/{id}']?.get, 'the store read by id or handle');
      assert.ok(doc.paths['/api/v1/products/{id}']?.patch, 'the admin change');
    });
  });
});

const CLIENT = `import createClient from 'openapi-fetch';
import type { paths } from './mercato-api.ts';
const api = createClient<paths>({ baseUrl: 'http://localhost:8080' });`;

// The calls of the README's quick start, as a client generated from the document makes them.
const README_CALLS = `${CLIENT}
export async function quickStart(password: string): Promise<number | undefined> {
  await api.GET('/api/v1/feature-flags');
  const login = await api.POST('/api/v1/auth/login', { body: { email: 'admin@mercato.local', password } });
  const token = login.data !== undefined && 'accessToken' in login.data ? login.data.accessToken : '';
  await api.POST('/api/v1/feature-flags', {
    body: { key: 'new-checkout', enabled: true, rolloutPercentage: 25 },
    headers: { authorization: \`Bearer \${token}\` },
  });
  await api.GET('/api/v1/feature-flags/{key}/evaluate', {
    params: { path: { key: 'new-checkout' }, query: { subject: 'customer-42' } },
  });
  const products = await api.GET('/api/v1/products', { params: { query: { search: 'cotton', pageSize: 5 } } });
  await api.GET('/api/v1/search/autocomplete', { params: { query: { q: 'cer' } } });
  return products.data?.totalCount;
}
`;

// openapi-fetch's types, wherever the temporary files are.
const FETCH_TYPES = fileURLToPath(import.meta.resolve('openapi-fetch')).replace(/index\.mjs$/, 'index.d.mts');

/** The TypeScript compiler's errors for one file (strict). */
function typeErrors(file: string): string[] {
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    allowImportingTsExtensions: true,
    skipLibCheck: true,
    types: [],
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    paths: { 'openapi-fetch': [FETCH_TYPES] },
  });
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}
