// The metric names Mercato exports, read from real /metrics scrapes: every service started
// in-process with the test kit (PGlite, in-memory bus), the gateway built with its metrics,
// and the process metrics a service process adds (runServiceProcess: processMetrics).
import { buildGateway } from '@mercato/gateway';
import { createMetrics } from '@mercato/platform/metrics';
import { closeTestPglite, startTestService } from '@mercato/testing';
import { services } from '../../apps/mercato/src/service-registry.ts';

/** Sample names in a Prometheus text exposition (histogram series keep their suffixes). */
export function metricNamesIn(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\w+)/.exec(line);
    if (type?.[1]) {
      names.add(type[1]);
      if (type[2] === 'histogram')
        for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${type[1]}${suffix}`);
      if (type[2] === 'summary') for (const suffix of ['_sum', '_count']) names.add(`${type[1]}${suffix}`);
      continue;
    }
    const sample = /^([a-zA-Z_:][\w:]*)[{ ]/.exec(line);
    if (sample?.[1]) names.add(sample[1]);
  }
  return names;
}

/** Every metric name some Mercato process exports, by process. */
export async function scrapeAll(): Promise<Map<string, Set<string>>> {
  const byProcess = new Map<string, Set<string>>();
  try {
    for (const s of services) {
      const svc = await startTestService(s.definition, 'pglite');
      try {
        const res = await svc.runtime.app.inject({ method: 'GET', url: '/metrics' });
        if (res.statusCode !== 200) throw new Error(`${s.name} /metrics answered ${res.statusCode}`);
        byProcess.set(s.name, metricNamesIn(res.body));
      } finally {
        await svc.close();
      }
    }
  } finally {
    await closeTestPglite();
  }
  const gateway = await buildGateway({ upstreams: {}, metrics: createMetrics('gateway') });
  try {
    const res = await gateway.app.inject({ method: 'GET', url: '/metrics' });
    byProcess.set('gateway', metricNamesIn(res.body));
  } finally {
    await gateway.close();
  }
  // What a process of its own adds (Node's and the process's): the same for every one.
  const process = createMetrics('process', { processMetrics: true });
  byProcess.set('(process)', metricNamesIn(await process.registry.metrics()));
  return byProcess;
}
