// The image's checklist (hadolint is in neither Debian nor npm here, so its main rules are
// checked instead): multi-stage on Node 24, production dependencies only, non-root, a health
// check, exec-form entry point, nothing secret or local baked in; and the entry point starts
// the same files as the distributed launcher.
import { serviceList } from '@mercato/contracts';

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { createServer } from 'node:net';
import { closeTestPglite, startTestService } from '@mercato/testing';
import { settingsService } from '@mercato/settings';
import { gatewayMain, services } from '../../apps/mercato/src/service-registry.ts';
import { simulatorsMain } from '../../apps/mercato/src/provider-stand-ins.ts';
import { GatewayConfigSchema } from '../../services/gateway/src/config.ts';
import { healthTarget, isHealthy } from '../../deploy/healthcheck.ts';
import { repoRoot } from './deploy-files.ts';

interface Instruction {
  keyword: string;
  args: string;
}

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
function parseDockerfile(text: string): Instruction[] {
  const joined = text.replace(/\\\r?\n/g, ' ');
  return joined
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [keyword = '', ...rest] = l.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

const dockerfile = parseDockerfile(readFileSync(join(repoRoot, 'Dockerfile'), 'utf8'));
const stages = dockerfile.reduce<Instruction[][]>((acc, ins) => {
  if (ins.keyword === 'FROM') acc.push([]);
  acc.at(-1)?.push(ins);
  return acc;
}, []);
const runtime = stages.at(-1) ?? [];
const of = (list: Instruction[], keyword: string) => list.filter((i) => i.keyword === keyword);

describe('Dockerfile checklist', () => {
  it('builds in stages from a pinned Node 24 image, never latest', () => {
    assert.ok(stages.length >= 3, `expected a multi-stage build, got ${stages.length} stage(s)`);
    const image = of(dockerfile, 'ARG').find((a) => a.args.startsWith('NODE_IMAGE='));
    assert.match(image?.args ?? '', /^NODE_IMAGE=node:24[-.]/);
    for (const from of of(dockerfile, 'FROM')) assert.doesNotMatch(from.args, /:latest\b/);
  });

  it('installs production dependencies only in what it ships', () => {
    const deps = stages.find((s) => of(s, 'FROM')[0]?.args.endsWith(' AS deps'));
    assert.ok(deps, 'a deps stage');
    assert.ok(of(deps, 'RUN').some((r) => /npm ci --omit=dev/.test(r.args)));
    assert.ok(of(runtime, 'COPY').some((c) => c.args.startsWith('--from=deps ')));
    // The runtime stage installs nothing itself, and no stage uses npm install (not reproducible).
    assert.ok(!of(runtime, 'RUN').some((r) => /npm (ci|install)/.test(r.args)));
    assert.ok(!of(dockerfile, 'RUN').some((r) => /npm install\b/.test(r.args)));
  });

  it('runs as a non-root user with a health check and an exec-form entry point', () => {
    const users = of(runtime, 'USER');
    assert.equal(users.length, 1);
    assert.doesNotMatch(users[0]?.args ?? '', /^(root|0)(:|$)/);
    // Nothing runs as root after the switch (RUN after USER would).
    const userAt = runtime.indexOf(users[0] as Instruction);
    assert.ok(!runtime.slice(userAt).some((i) => i.keyword === 'RUN'));
    const health = of(runtime, 'HEALTHCHECK')[0]?.args ?? '';
    assert.match(health, /CMD \["node", "deploy\/healthcheck\.ts"\]/);
    assert.match(of(runtime, 'ENTRYPOINT')[0]?.args ?? '', /^\["\/app\/deploy\/entrypoint\.sh"\]$/);
    assert.match(of(runtime, 'CMD')[0]?.args ?? '', /^\[/);
    assert.ok(
      of(runtime, 'ENV').some((e) => /HOST=0\.0\.0\.0/.test(e.args)),
      'listens beyond loopback',
    );
  });

  it('bakes in no secret and fetches nothing by ADD', () => {
    assert.equal(of(dockerfile, 'ADD').length, 0);
    for (const env of [...of(dockerfile, 'ENV'), ...of(dockerfile, 'ARG')])
      assert.doesNotMatch(env.args, /SECRET|PASSWORD|TOKEN|_KEY=/i);
    for (const run of of(dockerfile, 'RUN')) {
      if (/apt-get install/.test(run.args)) assert.match(run.args, /--no-install-recommends/);
      assert.doesNotMatch(run.args, /\b(curl|wget)\b/);
    }
  });

  it('keeps local state, dependencies and secrets out of the build context', () => {
    const ignored = readFileSync(join(repoRoot, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['**/node_modules', '.git', '.data', '.env', '**/dist'])
      assert.ok(ignored.includes(entry), entry);
  });
});

describe('the image entry point', () => {
  const entrypoint = join(repoRoot, 'deploy/entrypoint.sh');
  // A stand-in `node` on PATH prints what it would run: the entry point's choice, nothing started.
  async function chosen(...args: string[]): Promise<{ code: number; out: string }> {
    const bin = mkdtempSync(join(tmpdir(), 'mercato-entry-'));
    try {
      writeFileSync(join(bin, 'node'), '#!/bin/sh\necho "$@"\n');
      chmodSync(join(bin, 'node'), 0o755);
      const run = promisify(execFile)('sh', [entrypoint, ...args], {
        cwd: repoRoot,
        env: { PATH: `${bin}:/usr/bin:/bin` },
      });
      const { stdout } = await run;
      return { code: 0, out: stdout.trim() };
    } catch (err) {
      const e = err as { code?: number; stderr?: string };
      return { code: e.code ?? -1, out: e.stderr ?? '' };
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  }

  it('is executable', () => {
    assert.ok((statSync(entrypoint).mode & 0o111) !== 0);
  });

  it('starts every service, the gateway and the simulators from the launcher’s entry files', async () => {
    const expected = [
      ...services.map((s) => [s.name, s.main] as const),
      ['gateway', gatewayMain] as const,
      ['simulators', simulatorsMain] as const,
    ];
    assert.equal(services.length, serviceList.length);
    for (const [name, main] of expected) {
      const { code, out } = await chosen(name);
      assert.equal(code, 0, `${name}: ${out}`);
      assert.equal(out, relative(repoRoot, main), name);
      assert.ok(existsSync(main));
    }
    assert.deepEqual(await chosen('mercato', 'migrate'), { code: 0, out: 'apps/mercato/src/cli.ts migrate' });
  });

  it('refuses an unknown or malformed service name with usage (64)', async () => {
    for (const bad of ['nope', '../etc', '']) {
      const { code, out } = await chosen(bad);
      assert.equal(code, 64, bad);
      assert.match(out, /usage|unknown service/);
    }
  });
});

describe('the image health check', () => {
  it('asks a service’s readiness on PORT or its manifest’s port', () => {
    assert.deepEqual(healthTarget(['node', 'services/catalog/src/main.ts'], {}), {
      kind: 'http',
      url: 'http://127.0.0.1:8103/health/ready',
    });
    assert.deepEqual(healthTarget(['node', 'services/catalog/src/main.ts'], { PORT: '9000' }), {
      kind: 'http',
      url: 'http://127.0.0.1:9000/health/ready',
    });
  });

  it('asks the gateway on its default port', () => {
    assert.equal((GatewayConfigSchema.properties.PORT as { default?: number }).default, 8080);
    assert.deepEqual(healthTarget(['node', 'services/gateway/src/main.ts'], {}), {
      kind: 'http',
      url: 'http://127.0.0.1:8080/health/ready',
    });
  });

  it('connects to a simulator’s port (they have no health route), and knows no other process', () => {
    assert.deepEqual(healthTarget(['node', 'apps/simulators/src/main.ts'], { PSP_SECRET_KEY: 'k' }), {
      kind: 'tcp',
      port: 8190,
    });
    assert.deepEqual(healthTarget(['node', 'apps/simulators/src/main.ts'], {}), { kind: 'tcp', port: 8191 });
    assert.equal(healthTarget(['sh', '-c', 'sleep'], {}), undefined);
  });
});

describe('the image health check against running processes', () => {
  after(closeTestPglite);

  it('is healthy when a service answers /health/ready, not when nothing listens', async () => {
    const svc = await startTestService(settingsService, 'pglite');
    let address: string;
    try {
      address = await svc.runtime.listen(0, '127.0.0.1');
      assert.equal(await isHealthy({ kind: 'http', url: `${address}/health/ready` }), true);
    } finally {
      await svc.close();
    }
    assert.equal(await isHealthy({ kind: 'http', url: `${address}/health/ready` }, 1000), false);
  });

  it('is healthy when a simulator’s port accepts connections', async () => {
    const server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    assert.equal(await isHealthy({ kind: 'tcp', port }), true);
    await new Promise((resolve) => server.close(resolve));
    assert.equal(await isHealthy({ kind: 'tcp', port }, 1000), false);
  });
});
