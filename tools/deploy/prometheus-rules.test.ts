// The alert rules pass promtool's check, and its unit tests prove the dead-letter and
// burn-rate alerts (and others) fire when they should and stay quiet when they should not.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { repoRoot } from './deploy-files.ts';
import { promtool, promtoolTestOptions } from './promtool.ts';

const dir = join(repoRoot, 'deploy/prometheus');

interface RuleFile {
  groups: Array<{
    name: string;
    rules: Array<{ alert?: string; record?: string; annotations?: Record<string, string> }>;
  }>;
}

describe('Prometheus alert rules', () => {
  it('pass promtool check rules', promtoolTestOptions(), async () => {
    const out = await promtool(['check', 'rules', 'alerts.yaml'], dir);
    assert.match(out, /SUCCESS: \d+ rules found/);
  });

  it(
    'fire as their unit tests expect (promtool test rules: dead letters, burn rates, circuits, sagas)',
    promtoolTestOptions(),
    async () => {
      const out = await promtool(['test', 'rules', 'alerts.test.yaml'], dir);
      assert.match(out, /SUCCESS/);
    },
  );

  it('cover what issue #24 asks, each with a runbook in docs/operations.md', () => {
    const rules = parse(readFileSync(join(dir, 'alerts.yaml'), 'utf8')) as RuleFile;
    const alerts = rules.groups.flatMap((g) => g.rules.filter((r) => r.alert));
    const names = alerts.map((a) => a.alert);
    for (const wanted of [
      'MercatoDeadLetters',
      'MercatoOutboxBacklog',
      'MercatoRelayLag',
      'MercatoConsumerFailures',
      'MercatoErrorBudgetFastBurn',
      'MercatoErrorBudgetSlowBurn',
      'MercatoLatencyBudgetFastBurn',
      'MercatoLatencyBudgetSlowBurn',
      'MercatoCircuitOpen',
      'MercatoRateLimitStoreErrors',
      'MercatoSagaStuck',
      'MercatoLowStock',
    ])
      assert.ok(names.includes(wanted), wanted);
    const operations = readFileSync(join(repoRoot, 'docs/operations.md'), 'utf8');
    for (const a of alerts) {
      const anchor = (a.alert ?? '').toLowerCase();
      assert.equal(a.annotations?.runbook, `docs/operations.md#${anchor}`, `${a.alert}'s runbook link`);
      assert.match(operations, new RegExp(`^### ${a.alert}$`, 'm'), `a runbook section for ${a.alert}`);
    }
  });
});
