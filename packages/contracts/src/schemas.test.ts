// Schema snapshot test (ARCHITECTURE.md §6): every published event schema is kept under
// snapshots/<type>.v<version>.json and may only change compatibly. A missing snapshot is
// written (and must then be committed; with CI=true a missing snapshot fails).
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { Type } from 'typebox';
import { eventSchemas } from './registry.ts';

type Schema = Record<string, unknown>;

const snapshotDir = new URL('../snapshots/', import.meta.url);

function isObject(v: unknown): v is Schema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The plain JSON of a schema (TypeBox keeps its own markers out of enumerable keys). */
function toJson(schema: unknown): Schema {
  return JSON.parse(JSON.stringify(schema)) as Schema;
}

/**
 * What a schema admits, as a comparable string: JSON types, const/enum values, or `any`.
 * Two schemas with different signatures have a different type.
 */
function signature(schema: unknown): string {
  if (schema === true || !isObject(schema)) return 'any';
  const branches = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  if (Array.isArray(branches)) {
    const parts = branches.map(signature);
    return parts.includes('any') ? 'any' : [...new Set(parts.flatMap((p) => p.split('|')))].sort().join('|');
  }
  if ('const' in schema) return `const:${JSON.stringify(schema.const)}`;
  if (Array.isArray(schema.enum))
    return schema.enum
      .map((v) => `const:${JSON.stringify(v)}`)
      .sort()
      .join('|');
  const type = schema.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return [...type].sort().join('|');
  if (isObject(schema.properties)) return 'object';
  return 'any';
}

function additional(schema: Schema): 'open' | 'schema' | 'closed' {
  const ap = schema.additionalProperties;
  if (ap === undefined || ap === true) return 'open';
  return ap === false ? 'closed' : 'schema';
}

/**
 * Lists the incompatible differences from `before` to `after`: a property removed, a
 * property's type changed, a property newly required, additionalProperties tightened.
 * Adding an optional property (or loosening) is compatible. Paths name properties.
 */
function incompatibilities(before: unknown, after: unknown, path = ''): string[] {
  const where = path || '/';
  const was = signature(before);
  const now = signature(after);
  if (was !== now) return [`${where}: type changed from ${was} to ${now}`];
  if (!isObject(before) || !isObject(after)) return [];
  const out: string[] = [];

  const beforeProps = isObject(before.properties) ? before.properties : {};
  const afterProps = isObject(after.properties) ? after.properties : {};
  for (const [name, prop] of Object.entries(beforeProps)) {
    if (!(name in afterProps)) out.push(`${path}/${name}: property removed`);
    else out.push(...incompatibilities(prop, afterProps[name], `${path}/${name}`));
  }
  const wasRequired = new Set((before.required as string[] | undefined) ?? []);
  for (const name of (after.required as string[] | undefined) ?? []) {
    if (!wasRequired.has(name)) out.push(`${path}/${name}: newly required`);
  }
  const apWas = additional(before);
  const apNow = additional(after);
  const rank = { open: 0, schema: 1, closed: 2 };
  if (rank[apNow] > rank[apWas]) out.push(`${where}: additionalProperties tightened (${apWas} → ${apNow})`);
  else if (apWas === 'schema' && apNow === 'schema') {
    out.push(...incompatibilities(before.additionalProperties, after.additionalProperties, `${path}/*`));
  }

  if (before.items !== undefined && after.items !== undefined) {
    out.push(...incompatibilities(before.items, after.items, `${path}/[]`));
  }
  // Unions: compare each old branch with the new branch of the same signature (e.g. the
  // object branch of `object | null`), since the signature check already matched the sets.
  const oldBranches = (before.anyOf ?? before.oneOf) as unknown[] | undefined;
  const newBranches = (after.anyOf ?? after.oneOf) as unknown[] | undefined;
  if (Array.isArray(oldBranches) && Array.isArray(newBranches)) {
    for (const branch of oldBranches) {
      const match = newBranches.find((b) => signature(b) === signature(branch));
      if (match !== undefined) out.push(...incompatibilities(branch, match, path));
    }
  }
  return out;
}

async function readSnapshot(file: URL): Promise<Schema | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Schema;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function snapshotText(schema: Schema): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

describe('event schema snapshots', () => {
  test('the registry lists each event type and version once, with a well-formed type', () => {
    const ids = eventSchemas.map((e) => `${e.type}.v${e.version}`);
    assert.equal(new Set(ids).size, ids.length, `duplicate registry entries: ${ids.join(', ')}`);
    for (const e of eventSchemas) {
      assert.match(e.type, /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_.]*$/);
      assert.ok(
        Number.isInteger(e.version) && e.version >= 1,
        `${e.type}: version must be a positive integer`,
      );
    }
  });

  for (const entry of eventSchemas) {
    const name = `${entry.type}.v${entry.version}.json`;
    test(`${entry.type} v${entry.version} changes only compatibly against its snapshot`, async () => {
      const file = new URL(name, snapshotDir);
      const current = toJson(entry.schema);
      const committed = await readSnapshot(file);
      if (committed === undefined) {
        assert.notEqual(
          process.env.CI,
          'true',
          `snapshot ${name} is missing: run the test locally and commit packages/contracts/snapshots/${name}`,
        );
        await writeFile(file, snapshotText(current));
        return;
      }
      const problems = incompatibilities(committed, current);
      assert.deepEqual(
        problems,
        [],
        `${entry.type} v${entry.version} changed incompatibly; publish a new version instead:\n${problems.join('\n')}`,
      );
      if (process.env.UPDATE_SNAPSHOTS === '1' && !isDeepStrictEqual(committed, current)) {
        await writeFile(file, snapshotText(current));
      }
    });
  }

  test('every committed snapshot still has its schema in the registry (a published version is never dropped)', async () => {
    const files = (await readdir(snapshotDir)).filter((f) => f.endsWith('.json'));
    const listed = new Set(eventSchemas.map((e) => `${e.type}.v${e.version}.json`));
    const orphans = files.filter((f) => !listed.has(f));
    assert.deepEqual(orphans, [], `snapshots without a registry entry: ${orphans.join(', ')}`);
  });
});

describe('schema compatibility checker', () => {
  const base = Type.Object({ id: Type.String(), count: Type.Integer(), note: Type.Optional(Type.String()) });

  test('an identical schema is compatible', () => {
    assert.deepEqual(incompatibilities(toJson(base), toJson(base)), []);
  });

  test('a removed property is incompatible', () => {
    const after = Type.Object({ id: Type.String(), note: Type.Optional(Type.String()) });
    assert.deepEqual(incompatibilities(toJson(base), toJson(after)), ['/count: property removed']);
  });

  test('a new optional property is compatible', () => {
    const after = Type.Object({
      id: Type.String(),
      count: Type.Integer(),
      note: Type.Optional(Type.String()),
      extra: Type.Optional(Type.Boolean()),
    });
    assert.deepEqual(incompatibilities(toJson(base), toJson(after)), []);
  });

  test('a new required property, or an optional one made required, is incompatible', () => {
    const added = Type.Object({
      id: Type.String(),
      count: Type.Integer(),
      note: Type.Optional(Type.String()),
      extra: Type.Boolean(),
    });
    assert.deepEqual(incompatibilities(toJson(base), toJson(added)), ['/extra: newly required']);
    const tightened = Type.Object({ id: Type.String(), count: Type.Integer(), note: Type.String() });
    assert.deepEqual(incompatibilities(toJson(base), toJson(tightened)), ['/note: newly required']);
  });

  test('a changed property type is incompatible, also inside nested objects, arrays and unions', () => {
    const changed = Type.Object({
      id: Type.String(),
      count: Type.String(),
      note: Type.Optional(Type.String()),
    });
    assert.deepEqual(incompatibilities(toJson(base), toJson(changed)), [
      '/count: type changed from integer to string',
    ]);
    const nested = (t: 'string' | 'number') =>
      toJson(
        Type.Object({
          flag: Type.Union([
            Type.Object({ tags: Type.Array(t === 'string' ? Type.String() : Type.Number()) }),
            Type.Null(),
          ]),
        }),
      );
    assert.deepEqual(incompatibilities(nested('string'), nested('number')), [
      '/flag/tags/[]: type changed from string to number',
    ]);
    const literal = (values: string[]) =>
      toJson(Type.Object({ action: Type.Union(values.map((v) => Type.Literal(v))) }));
    assert.equal(incompatibilities(literal(['a', 'b']), literal(['a'])).length, 1);
  });

  test('tightening additionalProperties is incompatible; loosening it is compatible', () => {
    const open = toJson(base);
    const closed = toJson(Type.Object(base.properties, { additionalProperties: false }));
    assert.deepEqual(incompatibilities(open, closed), ['/: additionalProperties tightened (open → closed)']);
    assert.deepEqual(incompatibilities(closed, open), []);
  });
});
