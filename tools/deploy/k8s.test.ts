// The Kubernetes manifests: generated from the service definitions into a copy of deploy/k8s,
// rendered by kustomize (kubectl), every object validated against the Kubernetes schemas,
// and each Mercato process checked for what running it safely needs.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from './deploy-files.ts';
import { findKubectl, overlays, renderOverlay, writeGenerated, type Overlay } from './k8s-generate.ts';
import type { K8sObject } from './k8s-objects.ts';
import { validateObject } from './k8s-schemas.ts';
import { deployables, serviceUrlVar } from './topology.ts';

// In CI .ci/run installs kubectl (Debian's kubernetes-client) when missing: there, it must render.
const kubectlOptions =
  findKubectl() || process.env.CI === 'true'
    ? {}
    : { skip: 'kubectl is not installed: apt-get install kubernetes-client' };

/* eslint-disable @typescript-eslint/no-explicit-any -- rendered objects are read as loose JSON */
type Obj = K8sObject & Record<string, any>;

describe('Kubernetes manifests', kubectlOptions, () => {
  const all = deployables();
  const rendered = {} as Record<Overlay, Obj[]>;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mercato-k8s-'));
    cpSync(join(repoRoot, 'deploy/k8s'), dir, {
      recursive: true,
      filter: (src) => !src.includes('/generated'),
    });
    writeGenerated(dir);
    for (const overlay of overlays)
      rendered[overlay] = parseAllDocuments(await renderOverlay(dir, overlay)).map((d) => d.toJS() as Obj);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const find = (overlay: Overlay, kind: string, name: string) =>
    rendered[overlay].find((o) => o.kind === kind && o.metadata.name === name);

  it('render in both overlays, every object valid against the Kubernetes schemas', async () => {
    for (const overlay of overlays) {
      assert.ok(rendered[overlay].length > 6 * all.length, `${overlay}: ${rendered[overlay].length} objects`);
      for (const obj of rendered[overlay]) await validateObject(obj);
    }
  });

  for (const overlay of overlays) {
    it(`${overlay}: every process has a Deployment with probes, requests and limits, a Service on its port, a PDB, an HPA, a NetworkPolicy and a ServiceMonitor`, () => {
      for (const d of all) {
        const dep = find(overlay, 'Deployment', d.name);
        assert.ok(dep, `${d.name}: Deployment`);
        const c = dep.spec.template.spec.containers[0];
        for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe'])
          assert.ok(c[probe], `${d.name}: ${probe}`);
        assert.equal(c.readinessProbe.httpGet.path, '/health/ready');
        for (const kind of ['requests', 'limits'])
          for (const r of ['cpu', 'memory']) assert.ok(c.resources?.[kind]?.[r], `${d.name}: ${kind}.${r}`);
        assert.equal(c.securityContext.readOnlyRootFilesystem, true);
        assert.equal(dep.spec.template.spec.securityContext.runAsNonRoot, true);
        assert.deepEqual(c.args, [d.name]);
        assert.match(c.image, /^mercato:/);
        const podLabels = dep.spec.template.metadata.labels;
        const selects = (sel: any) => Object.entries(sel.matchLabels).every(([k, v]) => podLabels[k] === v);

        const svc = find(overlay, 'Service', d.name);
        assert.equal(svc?.spec.ports[0].port, d.port, `${d.name}: Service port`);
        assert.equal(c.ports[0].containerPort, d.port);
        assert.equal(c.env.find((e: any) => e.name === 'PORT')?.value, String(d.port));
        assert.ok(selects({ matchLabels: svc?.spec.selector }));

        const hpa = find(overlay, 'HorizontalPodAutoscaler', d.name);
        assert.equal(hpa?.spec.scaleTargetRef.name, d.name, `${d.name}: HPA`);
        assert.ok(hpa.spec.metrics.some((m: any) => m.resource?.name === 'cpu'));
        assert.ok(hpa.spec.minReplicas <= hpa.spec.maxReplicas);
        assert.ok(selects(find(overlay, 'PodDisruptionBudget', d.name)?.spec.selector), `${d.name}: PDB`);
        assert.ok(
          selects(find(overlay, 'NetworkPolicy', d.name)?.spec.podSelector),
          `${d.name}: NetworkPolicy`,
        );
        assert.equal(find(overlay, 'ServiceMonitor', d.name)?.spec.endpoints[0].path, '/metrics');
      }
    });
  }

  it('sets each process’s environment from its definition: required settings present, nothing unknown', () => {
    const config = find('dev', 'ConfigMap', 'mercato-platform')?.data as Record<string, string>;
    for (const d of all) {
      const c = find('dev', 'Deployment', d.name)?.spec.template.spec.containers[0];
      const fromMaps = c.envFrom.flatMap((e: any) => {
        const map = e.configMapRef && find('dev', 'ConfigMap', e.configMapRef.name);
        return map ? Object.keys(map.data ?? {}) : [];
      });
      const set = new Set<string>([...c.env.map((e: any) => e.name), ...fromMaps]);
      for (const [key, s] of d.settings)
        if (s.required && !s.hasDefault) assert.ok(set.has(key), `${d.name}: ${key} is required and not set`);
      for (const key of c.env.map((e: any) => e.name))
        assert.ok(d.settings.has(key), `${d.name}: sets ${key}, which it does not read`);
      for (const called of d.calls) {
        const target = all.find((o) => o.name === called);
        assert.equal(
          config[serviceUrlVar(called)],
          `http://${called}:${target?.port}`,
          `${d.name} → ${called}`,
        );
      }
    }
    const gateway = find('dev', 'Deployment', 'gateway')?.spec.template.spec.containers[0];
    const upstreams = gateway.env.find((e: any) => e.name === 'UPSTREAMS').value as string;
    for (const d of all.filter((x) => x.kind === 'service'))
      assert.ok(upstreams.split(',').includes(`${d.name}=http://${d.name}:${d.port}`), `gateway → ${d.name}`);
  });

  it('lets each process reach only the services it calls (and identity), and be reached only by its callers', () => {
    const portsTo = (policy: Obj, name: string) =>
      policy.spec.egress
        .filter((r: any) =>
          r.to?.some((t: any) => t.podSelector?.matchLabels?.['app.kubernetes.io/name'] === name),
        )
        .flatMap((r: any) => r.ports.map((p: any) => p.port));
    for (const d of all) {
      const policy = find('production', 'NetworkPolicy', d.name) as Obj;
      for (const other of all.filter((o) => o.kind === 'service' && o.name !== d.name)) {
        const allowed = d.calls.includes(other.name) || other.name === 'identity';
        assert.deepEqual(
          portsTo(policy, other.name),
          allowed ? [other.port] : [],
          `${d.name} → ${other.name}`,
        );
      }
      if (d.kind === 'service' && d.name !== 'identity') {
        const from = policy.spec.ingress[0].from.map(
          (f: any) => f.podSelector.matchLabels['app.kubernetes.io/name'],
        );
        assert.deepEqual(
          from.sort(),
          all
            .filter((o) => o.calls.includes(d.name))
            .map((o) => o.name)
            .sort(),
        );
      }
    }
    assert.ok(find('production', 'NetworkPolicy', 'default-deny'));
  });

  it('carries the alert rules as a PrometheusRule', () => {
    const rule = find('production', 'PrometheusRule', 'mercato');
    const alerts = rule?.spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.alert)).filter(Boolean);
    assert.ok(alerts.includes('MercatoDeadLetters') && alerts.includes('MercatoErrorBudgetFastBurn'));
  });

  it('dev: one replica each, its own PostgreSQL and simulators, every secret it references present', () => {
    for (const d of all) {
      assert.equal(find('dev', 'Deployment', d.name)?.spec.replicas, 1);
      assert.equal(find('dev', 'HorizontalPodAutoscaler', d.name)?.spec.minReplicas, 1);
    }
    assert.ok(find('dev', 'StatefulSet', 'postgres'));
    assert.ok(find('dev', 'Deployment', 'simulators'));
    for (const dep of rendered.dev.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet'))
      for (const c of dep.spec.template.spec.containers)
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.secretKeyRef;
          if (!ref || ref.optional) continue;
          const secret = find('dev', 'Secret', ref.name);
          assert.ok(secret?.stringData?.[ref.key], `${dep.metadata.name}: Secret ${ref.name} key ${ref.key}`);
        }
    const dbs = find('dev', 'Secret', 'mercato-databases')?.stringData;
    for (const d of all.filter((x) => x.kind === 'service'))
      assert.match(dbs[d.name], new RegExp(`/mercato_${d.name}$`));
  });

  it('production: three replicas at least, NATS a cluster of three, no secret committed', () => {
    for (const d of all) {
      assert.equal(find('production', 'Deployment', d.name)?.spec.replicas, 3);
      assert.ok(find('production', 'HorizontalPodAutoscaler', d.name)?.spec.minReplicas >= 3);
    }
    const nats = find('production', 'StatefulSet', 'nats');
    assert.equal(nats?.spec.replicas, 3);
    const conf = find('production', 'ConfigMap', 'nats-config')?.data['nats.conf'] as string;
    for (const i of [0, 1, 2]) assert.match(conf, new RegExp(`nats://nats-${i}\\.nats-headless:6222`));
    assert.deepEqual(
      rendered.production.filter((o) => o.kind === 'Secret'),
      [],
    );
    assert.ok(rendered.production.every((o) => o.kind === 'Namespace' || o.metadata.namespace === 'mercato'));
  });
});
