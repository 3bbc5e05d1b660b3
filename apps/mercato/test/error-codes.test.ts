import { GatewayErrors } from '@mercato/gateway';
import { CommonErrors, type ErrorSpec } from '@mercato/platform/errors';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { services } from '../src/service-registry.ts';

const doc = await readFile(new URL('../../../docs/errors.md', import.meta.url), 'utf8');

/** `| \`CODE\` | 404 | …` rows of docs/errors.md. */
function documented(): Map<string, number> {
  const rows = new Map<string, number>();
  for (const m of doc.matchAll(/^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|\s*(\d{3})\s*\|/gm)) {
    const [, code, status] = m;
    if (code && status) {
      assert.ok(!rows.has(code), `docs/errors.md lists ${code} twice`);
      rows.set(code, Number(status));
    }
  }
  return rows;
}

function defined(): Map<string, number> {
  const catalogs: Array<Readonly<Record<string, ErrorSpec>>> = [CommonErrors.catalog, GatewayErrors.catalog];
  for (const s of services) if (s.definition.errors) catalogs.push(s.definition.errors);
  const codes = new Map<string, number>();
  for (const catalog of catalogs) {
    for (const [code, spec] of Object.entries(catalog)) {
      assert.ok(!codes.has(code), `error code ${code} is defined twice`);
      codes.set(code, spec.status);
    }
  }
  return codes;
}

test('docs/errors.md lists every error code with its status, and no code that does not exist', () => {
  const inDoc = documented();
  const inCode = defined();
  assert.ok(inCode.size > 20, 'the catalogs were read');
  const missing = [...inCode.keys()].filter((c) => !inDoc.has(c));
  const stale = [...inDoc.keys()].filter((c) => !inCode.has(c));
  assert.deepEqual(missing, [], 'codes missing from docs/errors.md');
  assert.deepEqual(stale, [], 'codes in docs/errors.md that no errors.ts defines');
  for (const [code, status] of inCode) assert.equal(inDoc.get(code), status, `status of ${code}`);
});

test('every service error code carries its service prefix', () => {
  for (const s of services) {
    for (const code of Object.keys(s.definition.errors ?? {})) {
      assert.ok(
        code.startsWith(`${s.name.toUpperCase()}_`),
        `${code} should start with ${s.name.toUpperCase()}_`,
      );
    }
  }
});
