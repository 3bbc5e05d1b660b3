// Every metric a Grafana dashboard or an alert rule queries is one Mercato exports: the names
// come from real /metrics scrapes of every service (started in-process with the test kit),
// the gateway and a service process's own process metrics.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { repoRoot } from './deploy-files.ts';
import { scrapeAll } from './exported-metrics.ts';
import { metricNames } from './promql-names.ts';

interface Target {
  expr?: string;
  datasource?: { uid?: string };
}
interface Panel {
  id: number;
  title: string;
  targets?: Target[];
  datasource?: { uid?: string };
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating?: { list: Array<{ name: string; query?: { query?: string } | string }> };
}
interface RuleFile {
  groups: Array<{ rules: Array<{ record?: string; alert?: string; expr: string }> }>;
}

const dashboardDir = join(repoRoot, 'deploy/grafana/dashboards');
const rules = parse(readFileSync(join(repoRoot, 'deploy/prometheus/alerts.yaml'), 'utf8')) as RuleFile;
const recorded = new Set(rules.groups.flatMap((g) => g.rules.flatMap((r) => (r.record ? [r.record] : []))));

describe('dashboards and alert rules against what the services export', () => {
  let exported: Set<string>;
  // Thirteen processes start and stop one after the other: ~30 s here, more on a loaded machine.
  before(
    async () => {
      const byProcess = await scrapeAll();
      exported = new Set([...byProcess.values()].flatMap((names) => [...names]));
    },
    { timeout: 300_000 },
  );

  const known = (name: string) => exported.has(name) || recorded.has(name) || name === 'up';

  it('the scrape found the kit’s, the gateway’s and the services’ own metrics', () => {
    for (const name of [
      'http_requests_total',
      'dead_letters_total',
      'gateway_upstream_circuit_state',
      'sagas_started_total',
      'inventory_low_stock_levels',
      'process_cpu_seconds_total',
    ])
      assert.ok(exported.has(name), name);
  });

  it('every dashboard is valid JSON whose every query names only exported metrics', () => {
    const files = readdirSync(dashboardDir).filter((f) => f.endsWith('.json'));
    assert.deepEqual(files.sort(), ['mercato-business.json', 'mercato-events.json', 'mercato-overview.json']);
    const uids = new Set<string>();
    for (const file of files) {
      const dashboard = JSON.parse(readFileSync(join(dashboardDir, file), 'utf8')) as Dashboard;
      assert.ok(dashboard.uid && !uids.has(dashboard.uid), `${file}: a unique uid`);
      uids.add(dashboard.uid);
      assert.ok(dashboard.panels.length > 0);
      assert.equal(
        new Set(dashboard.panels.map((p) => p.id)).size,
        dashboard.panels.length,
        `${file}: panel ids`,
      );
      const queries = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ p, t })));
      for (const { p, t } of queries) {
        assert.ok(t.expr, `${file} "${p.title}": a query`);
        assert.equal(
          t.datasource?.uid ?? p.datasource?.uid,
          'prometheus',
          `${file} "${p.title}": the provisioned datasource`,
        );
        const names = metricNames(t.expr);
        assert.ok(names.size > 0, `${file} "${p.title}": ${t.expr} names no metric`);
        for (const name of names)
          assert.ok(known(name), `${file} "${p.title}": ${name} is not exported by any service`);
      }
      for (const v of dashboard.templating?.list ?? []) {
        const q = typeof v.query === 'string' ? v.query : (v.query?.query ?? '');
        const m = /label_values\((\w+),/.exec(q);
        if (m?.[1]) assert.ok(known(m[1]), `${file} variable ${v.name}: ${m[1]}`);
      }
    }
  });

  it('every alert and recording rule reads only exported metrics', () => {
    for (const rule of rules.groups.flatMap((g) => g.rules))
      for (const name of metricNames(rule.expr))
        assert.ok(known(name), `${rule.alert ?? rule.record}: ${name} is not exported by any service`);
  });

  it('a query naming a metric nobody exports is caught', () => {
    assert.deepEqual(
      [...metricNames('sum by (service) (rate(nope_total{service=~"$service"}[5m])) / 2')],
      ['nope_total'],
    );
    assert.equal(known('nope_total'), false);
    assert.deepEqual(
      [...metricNames('process_resident_memory_bytes / 1e6 > bool 0.5')],
      ['process_resident_memory_bytes'],
    );
  });
});
