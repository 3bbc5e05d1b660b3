// A service's facts (name, port, schema, owned resources) are written once, in its manifest
// (packages/contracts/src/services.ts), which its definition takes. The launcher's registry
// and the gateway's route table are built from them; this test fails if they drift or if a
// port or an owner is written anywhere else in the code.
import { serviceList, serviceManifests } from '@mercato/contracts';
import { resolveRoute } from '@mercato/gateway';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { services } from '../src/service-registry.ts';

const root = path.resolve(import.meta.dirname, '../../..');

/** Source files of the platform (tests, fixtures and the manifests themselves left out). */
async function sourceFiles(): Promise<string[]> {
  const out: string[] = [];
  for (const top of ['apps', 'services', 'packages', 'bench']) {
    for (const entry of await readdir(path.join(root, top), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
      const file = path.join(entry.parentPath, entry.name);
      const rel = path.relative(root, file);
      if (/node_modules|\/test\/|\.test\.ts$|\/fixtures\//.test(rel)) continue;
      if (rel === path.join('packages', 'contracts', 'src', 'services.ts')) continue;
      out.push(file);
    }
  }
  return out;
}

/** The code of a file without its comments (a doc comment may name a port as an example). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

describe('service facts are written once, in the manifests', () => {
  test('the launcher runs exactly the services with a manifest, each definition carrying its own', () => {
    assert.deepEqual(
      services.map((s) => s.name),
      serviceList.map((m) => m.name),
    );
    for (const s of services) {
      const manifest = serviceManifests[s.name];
      assert.equal(s.definition.manifest, manifest, `${s.name}'s definition takes its manifest`);
      assert.equal(s.port, manifest.port);
      assert.ok(existsSync(s.main), `${s.main} exists`);
    }
    const ports = serviceList.map((m) => m.port);
    assert.equal(new Set(ports).size, ports.length, 'no two services share a port');
    const schemas = serviceList.map((m) => m.schema);
    assert.equal(new Set(schemas).size, schemas.length, 'no two services share a schema');
  });

  test("the gateway routes each manifest's resources and root prefixes to that service, and no other", () => {
    for (const m of serviceList) {
      for (const resource of m.resources) {
        assert.equal(resolveRoute(`/api/v1/${resource}`)?.service, m.name, resource);
        assert.equal(resolveRoute(`/api/${resource}/x`)?.service, m.name, resource);
      }
      for (const prefix of m.rootPrefixes ?? []) {
        assert.equal(resolveRoute(`${prefix}x`)?.service, m.name, prefix);
      }
    }
  });

  test('no port, service name or resource owner is written in the code outside the manifests', async () => {
    const ports = new RegExp(`\\b(${serviceList.map((m) => m.port).join('|')})\\b`);
    const names = serviceList.map((m) => m.name).join('|');
    const resources = serviceList.flatMap((m) => m.resources).join('|');
    // `products: 'catalog'` or `'feature-flags': 'settings'`: an owner table of its own.
    const owner = new RegExp(`['"]?\\b(${resources})\\b['"]?\\s*:\\s*['"](${names})['"]`);
    // A definition or manifest stating its own name, port or schema.
    const stated = new RegExp(
      `\\b(name|schema)\\s*:\\s*['"](${names})['"]\\s*,\\s*\\n?\\s*(port|schema|name)\\s*:`,
    );
    const found: string[] = [];
    for (const file of await sourceFiles()) {
      const text = code(await readFile(file, 'utf8'));
      const rel = path.relative(root, file);
      text.split('\n').forEach((line, i) => {
        if (ports.test(line)) found.push(`${rel}:${i + 1}: port ${line.trim()}`);
        if (owner.test(line)) found.push(`${rel}:${i + 1}: owner ${line.trim()}`);
      });
      if (stated.test(text)) found.push(`${rel}: states a service's name and port or schema`);
    }
    assert.deepEqual(found, []);
  });
});
