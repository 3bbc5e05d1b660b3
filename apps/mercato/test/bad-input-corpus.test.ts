// Bad input never 500s and never changes anything (issue #14, acceptance): every route of
// every service, read from the gateway's merged OpenAPI document (a new route or service is
// covered without touching this file), gets NUL characters, numbers past what storage
// holds, values of the wrong JSON type and oversized values, in its path parameters, query
// strings and JSON body, one at a time, as an admin through the gateway. Each answer must be
// a 4xx problem (the OAuth endpoints answer RFC 6749 JSON errors, as their spec says), and
// no row of any service's schema may appear, go or change count.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildGateway, resolveRoute, type Gateway } from '@mercato/gateway';
import { createTokenVerifier, type TokenVerifier } from '@mercato/platform/auth';
import { createLogger } from '@mercato/platform/logging';
import { closeTestPglite, startTestService, testAuth, testPglite, type TestService } from '@mercato/testing';
import { services } from '../src/service-registry.ts';
import { ADMIN_ENV, adminAuthorization } from './admin-login.ts';

// Argon2 at its cheapest: the corpus signs in once, and a test machine is shared.
const FAST_ARGON2 = { ARGON2_MEMORY_KIB: '1024', ARGON2_TIME_COST: '1' };

interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  patternProperties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  default?: unknown;
  example?: unknown;
  examples?: unknown[];
}
interface Media {
  schema?: Schema;
  example?: unknown;
  examples?: Record<string, { value?: unknown }>;
}
interface Parameter {
  $ref?: string;
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
  example?: unknown;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, { $ref?: string; content?: Record<string, Media> }>;
}
interface Doc {
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, Schema>;
    parameters?: Record<string, Parameter>;
    responses?: Record<string, { content?: Record<string, Media> }>;
  };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const JSON_TYPE = 'application/json';

/** A scalar of a request schema: where it is, its schema, and the JSON types its union takes. */
interface Leaf {
  path: string;
  schema: Schema;
  union: Set<string>;
}

/** One bad request: where it goes and what it carries. */
interface Probe {
  op: string;
  what: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

describe('bad-input corpus: every route of every service through the gateway', () => {
  const running: TestService<unknown, unknown>[] = [];
  let gateway: Gateway;
  let base: string;
  let doc: Doc;
  let admin: Record<string, string>;
  let identityAdmin: Record<string, string>;
  let identityVerifier: TokenVerifier;

  before(async () => {
    const upstreams: Record<string, string> = {};
    for (const s of services) {
      // Identity checks tokens against its own keys: its routes are probed with a token it
      // issued to its bootstrap admin; the other services' with the tests' admin token.
      const env = s.name === 'identity' ? { ...process.env, ...ADMIN_ENV, ...FAST_ARGON2 } : undefined;
      const svc = await startTestService(s.definition, 'pglite', env ? { env } : {});
      running.push(svc);
      upstreams[s.name] = await svc.runtime.listen(0, '127.0.0.1');
      if (s.name === 'identity') {
        const config = svc.runtime.ctx.config as { IDENTITY_ISSUER: string; IDENTITY_AUDIENCE: string };
        identityVerifier = createTokenVerifier({
          issuer: config.IDENTITY_ISSUER,
          audience: config.IDENTITY_AUDIENCE,
          keys: new URL(`${upstreams[s.name]}/.well-known/jwks.json`),
        });
        identityAdmin = await adminAuthorization(upstreams[s.name]!);
      }
    }
    const tests = (await testAuth()).verifier;
    gateway = await buildGateway({
      upstreams,
      logger: createLogger({ service: 'gateway', level: 'silent' }),
      // Both admins' tokens pass the gateway; each service checks its own.
      auth: {
        tokenVerifier: {
          verify: (token) => tests.verify(token).catch(() => identityVerifier.verify(token)),
        },
      },
      // Thousands of calls from one admin in a few seconds are the point here.
      rateLimit: { anonymous: 1_000_000, authenticated: 1_000_000 },
    });
    base = await gateway.app.listen({ port: 0, host: '127.0.0.1' });
    const res = await fetch(`${base}/openapi.json`);
    assert.equal(res.status, 200);
    doc = (await res.json()) as Doc;
    // Long-lived: the corpus takes about a minute on a busy machine.
    admin = await (await testAuth()).headers({ roles: ['admin'], ttlSeconds: 3600 });
  });
  after(async () => {
    await gateway?.close();
    for (const s of running.reverse()) await s.close();
    await closeTestPglite();
  });

  const deref = <T extends { $ref?: string }>(x: T, from: Record<string, T> | undefined): T => {
    let cur = x;
    for (let i = 0; cur.$ref && i < 10; i++) cur = from?.[cur.$ref.split('/').pop() ?? ''] ?? cur;
    return cur;
  };
  const schemaOf = (s: Schema): Schema => deref(s, doc.components.schemas);
  const typesOf = (s: Schema): Set<string> => {
    const r = schemaOf(s);
    const out = new Set<string>();
    const t = r.type;
    for (const x of Array.isArray(t) ? t : t ? [t] : []) out.add(x);
    for (const b of [...(r.anyOf ?? []), ...(r.oneOf ?? [])]) for (const x of typesOf(b)) out.add(x);
    if (r.const !== undefined) out.add(typeof r.const);
    return out;
  };
  const branches = (s: Schema): Schema[] => {
    const r = schemaOf(s);
    return [r, ...[...(r.anyOf ?? []), ...(r.oneOf ?? []), ...(r.allOf ?? [])].flatMap(branches)];
  };

  function operations(): Array<{ method: string; path: string; op: Operation }> {
    return Object.entries(doc.paths).flatMap(([path, item]) =>
      METHODS.filter((m) => item[m]).map((m) => ({ method: m.toUpperCase(), path, op: item[m]! })),
    );
  }
  const paramsOf = (op: Operation) => (op.parameters ?? []).map((p) => deref(p, doc.components.parameters));

  /** Every scalar a request schema carries, with where it is, walking objects, records, arrays and unions. */
  function leaves(s: Schema, path: string, depth = 0): Leaf[] {
    if (depth > 6) return [];
    const out: Leaf[] = [];
    const union = typesOf(s);
    for (const b of branches(s)) {
      // A union's own node is not a leaf: each of its branches is (a const among them).
      const own = new Set(Array.isArray(b.type) ? b.type : b.type ? [b.type] : []);
      if (['string', 'integer', 'number'].some((t) => own.has(t)) && !b.properties) {
        out.push({ path, schema: b, union });
      }
      for (const [k, v] of Object.entries(b.properties ?? {}))
        out.push(...leaves(v, `${path}/${k}`, depth + 1));
      if (typeof b.additionalProperties === 'object')
        out.push(...leaves(b.additionalProperties, `${path}/*`, depth + 1));
      for (const v of Object.values(b.patternProperties ?? {}))
        out.push(...leaves(v, `${path}/*`, depth + 1));
      if (b.items) out.push(...leaves(b.items, `${path}/[]`, depth + 1));
    }
    return out;
  }

  /** Request parts' schemas of every operation: its parameters and its JSON body. */
  function requestSchemas(): Array<{ where: string; schema: Schema }> {
    return operations().flatMap(({ method, path, op }) => [
      ...paramsOf(op).map((p) => ({ where: `${method} ${path} ${p.in}:${p.name}`, schema: p.schema ?? {} })),
      ...(op.requestBody?.content[JSON_TYPE]?.schema
        ? [{ where: `${method} ${path} body`, schema: op.requestBody.content[JSON_TYPE].schema }]
        : []),
    ]);
  }

  test('every integer or number a request carries is bounded within what storage holds; every string has a length bound', () => {
    const unbounded: string[] = [];
    const ops = operations();
    assert.ok(ops.length >= 90, `${ops.length} operations read`);
    for (const { where, schema } of requestSchemas()) {
      for (const leaf of leaves(schema, '')) {
        const s = leaf.schema;
        const types = typesOf(s);
        const at = `${where}${leaf.path}`;
        if (types.has('integer') || types.has('number')) {
          const ok =
            typeof s.minimum === 'number' &&
            typeof s.maximum === 'number' &&
            s.minimum >= -Number.MAX_SAFE_INTEGER &&
            s.maximum <= Number.MAX_SAFE_INTEGER;
          if (!ok) unbounded.push(`${at}: ${s.minimum ?? '-∞'}..${s.maximum ?? '∞'}`);
        }
        if (types.has('string')) {
          // A closed set, a fixed-size format, or an anchored pattern with bounded repeats bound it too.
          const boundedPattern =
            s.pattern !== undefined && /^\^.*\$$/.test(s.pattern) && !/[+*]|\{\d+,\}/.test(s.pattern);
          const ok =
            s.maxLength !== undefined ||
            s.enum !== undefined ||
            s.const !== undefined ||
            ['uuid', 'date-time', 'date'].includes(s.format ?? '') ||
            boundedPattern;
          if (!ok) unbounded.push(`${at}: a string without maxLength`);
        }
      }
    }
    assert.deepEqual(unbounded, []);
  });

  /** A value for a parameter that passes its schema where it can (an example, a default, a fresh UUID). */
  function goodValue(p: Parameter): string {
    const s = schemaOf(p.schema ?? {});
    const v =
      p.example ??
      s.example ??
      s.examples?.[0] ??
      s.default ??
      s.enum?.[0] ??
      (s.format === 'uuid' ? crypto.randomUUID() : undefined) ??
      (typesOf(s).has('integer') ? 1 : 'x');
    return Array.isArray(v) ? String(v[0]) : String(v);
  }

  function exampleBody(op: Operation): unknown {
    const media = op.requestBody?.content[JSON_TYPE];
    if (!media) return undefined;
    const fromExamples = media.examples ? Object.values(media.examples)[0]?.value : undefined;
    const s = media.schema ? schemaOf(media.schema) : {};
    return structuredClone(media.example ?? fromExamples ?? s.example ?? s.examples?.[0] ?? {});
  }

  /** `body` with the value at a leaf path (`/a/[]/b`, `/attrs/*`) set, parents made as needed. */
  function withValue(body: unknown, path: string, value: unknown): unknown {
    const root = { v: structuredClone(body) } as Record<string, unknown>;
    let parent: Record<string, unknown> | unknown[] = root;
    let key: string | number = 'v';
    for (const raw of path.split('/').slice(1)) {
      const here: unknown = (parent as Record<string | number, unknown>)[key];
      if (raw === '[]') {
        const arr: unknown[] = Array.isArray(here) && here.length > 0 ? here : [{}];
        (parent as Record<string | number, unknown>)[key] = arr;
        parent = arr;
        key = 0;
      } else {
        const obj = here !== null && typeof here === 'object' && !Array.isArray(here) ? here : {};
        (parent as Record<string | number, unknown>)[key] = obj;
        parent = obj as Record<string, unknown>;
        key = raw === '*' ? 'key' : raw;
      }
    }
    (parent as Record<string | number, unknown>)[key] = value;
    return root.v;
  }

  /** Values of `schema` that break it: a NUL, the wrong JSON type, past its maximum, over its length. */
  function badValues(s: Schema, union: Set<string>, inQuery: boolean): Array<[string, unknown]> {
    const types = typesOf(s);
    const out: Array<[string, unknown]> = [];
    if (types.has('string') && s.enum === undefined && s.const === undefined) {
      out.push(['NUL', 'a\u0000b']);
      const over = Math.min((s.maxLength ?? 100_000) + 1, inQuery ? 4000 : 200_000);
      if (s.maxLength !== undefined || !inQuery) out.push(['oversized', 'x'.repeat(over)]);
    }
    if (types.has('integer') || types.has('number')) {
      out.push(['overflow 1e20', 1e20], ['overflow -1e20', -1e20]);
      if (inQuery)
        out.push(['overflow 99999999999999999999', '99999999999999999999'], ['overflow 1e99', '1e99']);
    }
    if (!inQuery) {
      // A JSON type the schema does not take, of those a client might send by mistake.
      const wrong = (['string', 'number', 'boolean', 'object', 'array'] as const).find(
        (t) => !union.has(t) && !(t === 'number' && union.has('integer')),
      );
      const sample = { string: '1', number: 42, boolean: true, object: { a: 1 }, array: ['1'] } as const;
      if (wrong) out.push([`wrong type (${wrong})`, sample[wrong]]);
    } else if (types.has('integer') && !types.has('string')) {
      out.push(['not a number', 'abc']);
    }
    return out;
  }

  function probes(): Probe[] {
    const out: Probe[] = [];
    for (const { method, path, op } of operations()) {
      const params = paramsOf(op);
      const name = `${method} ${path}`;
      const headers: Record<string, string> = {
        ...(resolveRoute(path)?.service === 'identity' ? identityAdmin : admin),
      };
      for (const p of params.filter((x) => x.in === 'header' && x.required)) headers[p.name] = goodValue(p);
      if (params.some((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key'))
        headers['idempotency-key'] = crypto.randomUUID();
      const pathWith = (over: Record<string, string> = {}) =>
        path.replace(/\{([^}]+)\}/g, (_, n: string) => {
          const p = params.find((x) => x.in === 'path' && x.name === n);
          return over[n] ?? encodeURIComponent(p ? goodValue(p) : 'x');
        });
      const query = (over: Record<string, string> = {}) => {
        const q = new URLSearchParams();
        for (const p of params.filter((x) => x.in === 'query' && x.required)) q.set(p.name, goodValue(p));
        for (const [k, v] of Object.entries(over)) q.set(k, v);
        const s = q.toString();
        return s ? `?${s}` : '';
      };
      const body = exampleBody(op);
      const send = (what: string, url: string, payload?: unknown, raw?: string) =>
        out.push({
          op: name,
          what,
          method,
          url,
          headers:
            payload === undefined && raw === undefined ? headers : { ...headers, 'content-type': JSON_TYPE },
          ...(raw !== undefined
            ? { body: raw }
            : payload !== undefined
              ? { body: JSON.stringify(payload) }
              : {}),
        });
      const jsonBody = body === undefined ? undefined : body;

      for (const p of params.filter((x) => x.in === 'path')) {
        send(`NUL in path parameter ${p.name}`, `${pathWith({ [p.name]: 'a%00b' })}${query()}`, jsonBody);
        send(
          `oversized path parameter ${p.name}`,
          `${pathWith({ [p.name]: 'x'.repeat(300) })}${query()}`,
          jsonBody,
        );
      }
      for (const p of params.filter((x) => x.in === 'query')) {
        // A list parameter (?attr=…&attr=…) is probed through its items.
        const ps = schemaOf(p.schema ?? {});
        const target = ps.items ?? ps;
        for (const [what, v] of badValues(target, typesOf(target), true))
          send(`${what} in query ${p.name}`, `${pathWith()}${query({ [p.name]: String(v) })}`, jsonBody);
      }
      if (body !== undefined) {
        const schema = op.requestBody?.content[JSON_TYPE]?.schema ?? {};
        for (const leaf of leaves(schema, '')) {
          for (const [what, v] of badValues(leaf.schema, leaf.union, false))
            send(`${what} at body${leaf.path}`, `${pathWith()}${query()}`, withValue(body, leaf.path, v));
        }
        send('a NUL in a property name', `${pathWith()}${query()}`, { ...(body as object), 'a\u0000': 1 });
        send(
          'a number past the integer range as JSON text',
          `${pathWith()}${query()}`,
          undefined,
          '99999999999999999999',
        );
        send('a body of the wrong type (a string)', `${pathWith()}${query()}`, 'x');
        send(
          'a body over the size limit',
          `${pathWith()}${query()}`,
          undefined,
          JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }),
        );
      }
    }
    return out;
  }

  /** Row counts of every table of every service's schema (what a refused request must leave alone). */
  async function rowCounts(): Promise<Record<string, number>> {
    const pglite = await testPglite();
    const schemas = running.map((s) => s.runtime.ctx.database.schema);
    const tables = await pglite.query<{ s: string; t: string }>(
      `select table_schema as s, table_name as t from information_schema.tables
       where table_schema = any($1) and table_type = 'BASE TABLE' order by 1, 2`,
      [schemas],
    );
    const out: Record<string, number> = {};
    for (const { s, t } of tables.rows) {
      const r = await pglite.query<{ n: number }>(`select count(*)::int as n from "${s}"."${t}"`);
      out[`${s}.${t}`] = r.rows[0]?.n ?? -1;
    }
    return out;
  }

  /** Whether the operation documents `status` as plain JSON (the OAuth endpoints' RFC 6749 errors). */
  function documentedAsJson(probe: Probe, status: number): boolean {
    const [method, path] = probe.op.split(' ');
    const op = doc.paths[path ?? '']?.[(method ?? '').toLowerCase()];
    const r = op?.responses[String(status)];
    const res = r?.$ref ? doc.components.responses?.[r.$ref.split('/').pop() ?? ''] : r;
    return Boolean(res?.content?.[JSON_TYPE]) && !res?.content?.['application/problem+json'];
  }

  test('NUL, overflow, wrong-type and oversized values answer 4xx problems and change nothing', async (t) => {
    // Identity makes its first signing key when it is first asked for one: not the probes' doing.
    assert.equal((await fetch(`${base}/.well-known/jwks.json`)).status, 200);
    for (const s of running) await s.flush();
    const before = await rowCounts();
    const all = probes();
    assert.ok(all.length > 500, `${all.length} probes`);
    const failures: string[] = [];
    const kinds = new Map<string, number>();
    const unauthorized = new Set<string>();
    const send = async (probe: Probe) => {
      const res = await fetch(`${base}${probe.url}`, {
        method: probe.method,
        headers: probe.headers,
        ...(probe.body !== undefined ? { body: probe.body } : {}),
      });
      const type = res.headers.get('content-type') ?? '';
      const text = await res.text();
      kinds.set(String(res.status), (kinds.get(String(res.status)) ?? 0) + 1);
      if (res.status === 401) unauthorized.add(`${probe.op} (${probe.what}): ${text.slice(0, 120)}`);
      const problem =
        /^application\/problem\+json/.test(type) ||
        (documentedAsJson(probe, res.status) && /^application\/json/.test(type));
      if (res.status < 400 || res.status >= 500 || !problem) {
        failures.push(`${probe.op} — ${probe.what}: ${res.status} ${type} ${text.slice(0, 160)}`);
      }
    };
    // A few at a time: the services answer refusals in microseconds, the loopback round trips dominate.
    const queue = [...all];
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        for (let probe = queue.shift(); probe; probe = queue.shift()) await send(probe);
      }),
    );
    t.diagnostic(
      `${all.length} probes of ${operations().length} operations; statuses ${JSON.stringify(Object.fromEntries(kinds))}`,
    );
    for (const u of [...unauthorized].slice(0, 40)) t.diagnostic(u);
    for (const s of running) await s.flush();
    const afterCounts = await rowCounts();
    const changed = Object.keys({ ...before, ...afterCounts }).filter((k) => before[k] !== afterCounts[k]);
    assert.deepEqual(failures, [], `statuses seen: ${JSON.stringify(Object.fromEntries(kinds))}`);
    assert.deepEqual(
      changed.map((k) => `${k}: ${before[k]} → ${afterCounts[k]}`),
      [],
      'no table gained or lost a row',
    );
  });
});
