import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The metrics every Mercato service exposes on /metrics, in a registry of its own. */
export interface ServiceMetrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  outboxBacklog: Gauge;
  relayLagSeconds: Gauge;
  relayPublished: Counter;
  relayFailures: Counter;
  eventsHandled: Counter<'consumer' | 'outcome'>;
  consumerFailures: Counter<'consumer'>;
  deadLetters: Counter<'consumer'>;
  dbQueryDuration: Histogram;
  /** 1 while a dependency (database, bus, cache, an upstream) answers its readiness check, else 0. */
  dependencyUp: Gauge<'dependency'>;
  /**
   * A business counter of the service's own (sign-ins, reservations, imports) on its
   * /metrics. The same name answers the same counter, so a use case may ask for it where it
   * counts; asking again with other labels or help is a programming error and throws.
   */
  counter<L extends string = never>(spec: CounterSpec<L>): Counter<L>;
  /**
   * A gauge of the service's own whose series are read when /metrics is scraped (a count
   * kept in its database: SKUs low on stock). Declared once per name (again: an error).
   */
  observedGauge<L extends string = never>(spec: ObservedGaugeSpec<L>): void;
}

/** An observed gauge: its name, help, label names and how to read its series at scrape time. */
export interface ObservedGaugeSpec<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
  read(): Promise<ReadonlyArray<{ labels: Partial<Record<L, string>>; value: number }>>;
}

/** A business counter: a Prometheus name ending in `_total`, its help and label names. */
export interface CounterSpec<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
}

/**
 * Creates a service's metrics. One registry per service, because embedded mode hosts all
 * services in one process and each must answer its own /metrics.
 * Process metrics are collected only when `processMetrics` is set (once per process).
 */
export function createMetrics(service: string, opts: { processMetrics?: boolean } = {}): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (opts.processMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const counters = new Map<string, { spec: CounterSpec<string>; counter: Counter<string> }>();
  function counter<L extends string = never>(spec: CounterSpec<L>): Counter<L> {
    const known = counters.get(spec.name);
    const labels = [...(spec.labelNames ?? [])];
    if (known) {
      if (known.spec.help !== spec.help || known.spec.labelNames?.join() !== labels.join())
        throw new Error(`metric ${spec.name} is already declared with other help or labels`);
      return known.counter as Counter<L>;
    }
    if (!/^[a-z_][a-z0-9_]*_total$/.test(spec.name))
      throw new Error(`counter ${spec.name}: snake_case ending in _total (Prometheus convention)`);
    const made = new Counter<L>({ name: spec.name, help: spec.help, labelNames: labels, registers });
    counters.set(spec.name, { spec: { ...spec, labelNames: labels }, counter: made as Counter<string> });
    return made;
  }
  function observedGauge<L extends string = never>(spec: ObservedGaugeSpec<L>): void {
    if (registry.getSingleMetric(spec.name)) throw new Error(`metric ${spec.name} is already declared`);
    new Gauge<L>({
      name: spec.name,
      help: spec.help,
      labelNames: [...(spec.labelNames ?? [])],
      registers,
      async collect() {
        const series = await spec.read();
        this.reset();
        for (const { labels, value } of series) this.set(labels, value);
      },
    });
  }
  return {
    counter,
    observedGauge,
    registry,
    httpRequests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by route template and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    }),
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    outboxBacklog: new Gauge({
      name: 'outbox_backlog',
      help: 'Outbox rows the last relay round found to publish (at most its batch size)',
      registers,
    }),
    relayLagSeconds: new Gauge({
      name: 'relay_lag_seconds',
      help: 'Age of the oldest outbox row when the last relay round read it',
      registers,
    }),
    relayPublished: new Counter({
      name: 'relay_published_total',
      help: 'Events published by the relay',
      registers,
    }),
    relayFailures: new Counter({ name: 'relay_failures_total', help: 'Relay rounds that failed', registers }),
    eventsHandled: new Counter({
      name: 'events_handled_total',
      help: 'Events handled by consumers, by outcome (applied, duplicate)',
      labelNames: ['consumer', 'outcome'],
      registers,
    }),
    consumerFailures: new Counter({
      name: 'consumer_failures_total',
      help: 'Handler attempts that failed',
      labelNames: ['consumer'],
      registers,
    }),
    deadLetters: new Counter({
      name: 'dead_letters_total',
      help: 'Events moved to the dead-letter table',
      labelNames: ['consumer'],
      registers,
    }),
    dbQueryDuration: new Histogram({
      name: 'db_query_duration_seconds',
      help: 'SQL statement duration (its count is the number of statements run)',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2],
      registers,
    }),
    dependencyUp: new Gauge({
      name: 'dependency_up',
      help: 'Whether a dependency answered its last readiness check (1) or not (0); set on /health/ready and /metrics',
      labelNames: ['dependency'],
      registers,
    }),
  };
}
