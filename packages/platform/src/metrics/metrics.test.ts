import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createMetrics } from './index.ts';

describe('business counters (metrics.counter)', () => {
  test('a counter declared by a service appears on its registry and counts per label', async () => {
    const metrics = createMetrics('shop');
    const signIns = metrics.counter({
      name: 'sign_ins_total',
      help: 'Sign-in attempts by outcome',
      labelNames: ['outcome'],
    });
    signIns.inc({ outcome: 'ok' });
    signIns.inc({ outcome: 'ok' });
    signIns.inc({ outcome: 'locked' });
    const text = await metrics.registry.metrics();
    assert.match(text, /^# HELP sign_ins_total Sign-in attempts by outcome$/m);
    assert.match(text, /^sign_ins_total\{outcome="ok",service="shop"\} 2$/m);
    assert.match(text, /^sign_ins_total\{outcome="locked",service="shop"\} 1$/m);
  });

  test('asking again for the same name answers the same counter; other labels or a bad name throw', () => {
    const metrics = createMetrics('shop');
    const spec = { name: 'imports_total', help: 'Imports', labelNames: ['outcome'] } as const;
    assert.equal(metrics.counter(spec), metrics.counter(spec));
    assert.throws(() => metrics.counter({ ...spec, labelNames: ['result'] }), /already declared/);
    assert.throws(() => metrics.counter({ name: 'imports', help: 'x' }), /_total/);
  });

  test('two services in one process keep counters of the same name apart', async () => {
    const a = createMetrics('a');
    const b = createMetrics('b');
    a.counter({ name: 'things_total', help: 'Things' }).inc(3);
    b.counter({ name: 'things_total', help: 'Things' }).inc();
    assert.match(await a.registry.metrics(), /^things_total\{service="a"\} 3$/m);
    assert.match(await b.registry.metrics(), /^things_total\{service="b"\} 1$/m);
  });
});

describe('observed gauges (metrics.observedGauge)', () => {
  test('each scrape reads the series anew: a series no longer read is gone', async () => {
    const metrics = createMetrics('shop');
    let rows = [
      { labels: { warehouse: 'MAIN' }, value: 3 },
      { labels: { warehouse: 'EAST' }, value: 1 },
    ];
    let reads = 0;
    metrics.observedGauge({
      name: 'low_levels',
      help: 'Levels at or below their threshold',
      labelNames: ['warehouse'],
      read: async () => {
        reads += 1;
        return rows;
      },
    });
    const first = await metrics.registry.metrics();
    assert.match(first, /^low_levels\{warehouse="MAIN",service="shop"\} 3$/m);
    assert.match(first, /^low_levels\{warehouse="EAST",service="shop"\} 1$/m);
    rows = [{ labels: { warehouse: 'MAIN' }, value: 0 }];
    const second = await metrics.registry.metrics();
    assert.match(second, /^low_levels\{warehouse="MAIN",service="shop"\} 0$/m);
    assert.doesNotMatch(second, /EAST/);
    assert.equal(reads, 2);
  });

  test('declaring a name twice throws', () => {
    const metrics = createMetrics('shop');
    const spec = { name: 'g', help: 'G', read: async () => [] };
    metrics.observedGauge(spec);
    assert.throws(() => metrics.observedGauge(spec), /already declared/);
  });
});
