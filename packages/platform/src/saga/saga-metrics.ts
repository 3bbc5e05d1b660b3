import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The saga engine's metrics, in the owning service's registry. */
export interface SagaMetrics {
  started(type: string): void;
  completed(type: string): void;
  failed(type: string, reason: string): void;
  stuck(type: string): void;
  stepDuration(type: string, step: string, phase: 'action' | 'compensation', ms: number): void;
}

/**
 * Counters of sagas started / completed / failed by reason / stuck, step durations, and a
 * gauge of sagas in flight by status read from the database when /metrics is scraped.
 */
export function createSagaMetrics(
  registry: Registry,
  inFlight: () => Promise<Record<string, number>>,
): SagaMetrics {
  const registers = [registry];
  const started = new Counter({
    name: 'sagas_started_total',
    help: 'Sagas started',
    labelNames: ['type'],
    registers,
  });
  const completed = new Counter({
    name: 'sagas_completed_total',
    help: 'Sagas that ran every step',
    labelNames: ['type'],
    registers,
  });
  const failed = new Counter({
    name: 'sagas_failed_total',
    help: 'Sagas that failed (then compensated), by reason code',
    labelNames: ['type', 'reason'],
    registers,
  });
  const stuck = new Counter({
    name: 'sagas_stuck_total',
    help: 'Sagas whose compensation kept failing: an operator must look',
    labelNames: ['type'],
    registers,
  });
  const duration = new Histogram({
    name: 'saga_step_duration_seconds',
    help: 'Duration of saga step actions and compensations',
    labelNames: ['type', 'step', 'phase'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  new Gauge({
    name: 'sagas_in_flight',
    help: 'Sagas not yet ended, by status (running, waiting, compensating, stuck)',
    labelNames: ['status'],
    registers,
    async collect() {
      this.reset();
      for (const [status, n] of Object.entries(await inFlight())) this.set({ status }, n);
    },
  });
  return {
    started: (type) => started.inc({ type }),
    completed: (type) => completed.inc({ type }),
    failed: (type, reason) => failed.inc({ type, reason }),
    stuck: (type) => stuck.inc({ type }),
    stepDuration: (type, step, phase, ms) => duration.observe({ type, step, phase }, ms / 1000),
  };
}
