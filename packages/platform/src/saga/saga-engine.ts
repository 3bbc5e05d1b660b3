import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Database } from '../db/database.ts';
import { loadMigrations, migrate } from '../db/migrator.ts';
import type { Logger } from '../logging/index.ts';
import type { ServiceMetrics } from '../metrics/index.ts';
import { createPeriodicWorker } from '../http/periodic-worker.ts';
import type { Worker } from '../service/definition.ts';
import type {
  SagaDefinition,
  SagaFailure,
  SagaHistoryEntry,
  SagaState,
  SagaStatus,
} from './saga-definition.ts';
import { createSagaMetrics } from './saga-metrics.ts';
import { driveSaga, sagaLimits } from './saga-runner.ts';
import { createSagaStore, type SagaRow } from './saga-store.ts';

/** Options of {@link createSagaEngine}. */
export interface SagaEngineOptions {
  database: Database<unknown>;
  logger: Logger;
  metrics: Pick<ServiceMetrics, 'registry'>;
  // Each definition keeps its own input type; the engine only stores and hands it back.
  sagas: ReadonlyArray<SagaDefinition<never>>;
  /** The engine's clock (tests move it); every time the tables hold comes from it. */
  now?: () => number;
  /** This replica's name in the leases (default: host, pid and a random part). */
  owner?: string;
  /** A lease lasts this long from each transition (default 45 s: longer than a step's timeout). */
  leaseMs?: number;
  /** How often the driver looks for due sagas (default 250 ms). */
  pollMs?: number;
  /** Sagas driven at once by this replica (default 64). */
  concurrency?: number;
}

/** Runs sagas: starts them, drives them on any replica, answers their state. */
export interface SagaEngine {
  /** Starts a saga unless one with this id exists (then answers that one). */
  start<I>(type: string, id: string, input: I): Promise<{ created: boolean; saga: SagaState<I> }>;
  get(id: string): Promise<SagaState | undefined>;
  history(id: string): Promise<SagaHistoryEntry[]>;
  list(q: { status?: SagaStatus; type?: string; page: number; pageSize: number }): Promise<{
    items: SagaState[];
    totalCount: number;
  }>;
  /** Tells a waiting step what happened (a payment's outcome) and wakes the saga. False when it has ended. */
  signal(id: string, step: string, payload: unknown): Promise<boolean>;
  /** Resolves once the saga has settled (ended or waiting) or after timeoutMs, with its state. */
  settled(id: string, timeoutMs: number): Promise<SagaState | undefined>;
  /** An operator's retry: a stuck saga compensates again, a backing-off or waiting one runs now. */
  retry(id: string): Promise<boolean>;
  /** An operator's abort: an unfinished saga undoes what it did and fails with ABORTED. */
  abort(id: string, reason: string): Promise<boolean>;
  /** Claims the sagas due now and drives them; resolves when they have settled (tests, flush). */
  runDue(): Promise<number>;
  /** The driver loop, to hand to the service's workers. */
  worker: Worker;
}

const FINAL: SagaStatus[] = ['completed', 'failed', 'stuck'];

/**
 * The saga engine (ARCHITECTURE.md §10): sagas persisted in the owning service's schema
 * (tables `sagas`, `saga_history`, created here), driven by any replica under a lease, each
 * transition committed before the next, resumed after a crash once the lease expires.
 */
export async function createSagaEngine(opts: SagaEngineOptions): Promise<SagaEngine> {
  await migrate(opts.database, await loadMigrations(new URL('./migrations/', import.meta.url), 'saga/'));
  const store = createSagaStore(opts.database);
  const now = opts.now ?? Date.now;
  const owner = opts.owner ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const leaseMs = opts.leaseMs ?? 45_000;
  const concurrency = opts.concurrency ?? 64;
  const definitions = new Map(opts.sagas.map((d) => [d.type, d as SagaDefinition]));
  const metrics = createSagaMetrics(opts.metrics.registry, () => store.countActive());
  const driving = new Map<string, Promise<void>>();
  const waiters = new Map<string, Set<() => void>>();

  const deps = { store, owner, now, leaseMs, logger: opts.logger, metrics };

  function notify(id: string): void {
    for (const wake of waiters.get(id) ?? []) wake();
  }

  function drive(row: SagaRow): Promise<void> {
    const def = definitions.get(row.type);
    const run = (async () => {
      if (!def) {
        opts.logger.error({ sagaId: row.id, type: row.type }, 'no definition for this saga type');
        return;
      }
      await driveSaga(row, def, deps).catch((err: unknown) => {
        opts.logger.error({ err, sagaId: row.id }, 'driving a saga failed; its lease expires and it resumes');
      });
    })().finally(() => {
      driving.delete(row.id);
      notify(row.id);
    });
    driving.set(row.id, run);
    return run;
  }

  /** Claims and drives sagas due now (one, when `id` is given). */
  async function claimAndDrive(id?: string): Promise<Promise<void>[]> {
    const free = concurrency - driving.size;
    if (free <= 0) return [];
    const at = now();
    const rows = await store.claim(owner, at, at + leaseMs, id === undefined ? free : 1, id);
    return rows.filter((r) => !driving.has(r.id)).map(drive);
  }

  // Claims started for one saga (after start or signal) and not yet driving: runDue waits for them.
  const kicks = new Set<Promise<unknown>>();
  const kick = (id: string) => {
    const claiming: Promise<unknown> = claimAndDrive(id)
      .catch((err: unknown) => opts.logger.warn({ err, sagaId: id }, 'could not claim a saga'))
      .finally(() => kicks.delete(claiming));
    kicks.add(claiming);
  };

  const engine: SagaEngine = {
    async start(type, id, input) {
      const def = definitions.get(type);
      if (!def) throw new Error(`no saga of type ${type}`);
      const at = now();
      const created = await store.create(
        { id, type, input, deadlineAt: at + sagaLimits(def).deadlineMs },
        at,
      );
      if (created) {
        metrics.started(type);
        kick(id);
      }
      const saga = await engine.get(id);
      if (!saga) throw new Error(`saga ${id} vanished`);
      return { created, saga: saga as SagaState<typeof input> };
    },
    async get(id) {
      const row = await store.get(id);
      return row && toState(row, definitions.get(row.type));
    },
    history: (id) => store.history(id),
    async list(q) {
      const { rows, totalCount } = await store.list(q);
      return { items: rows.map((r) => toState(r, definitions.get(r.type))), totalCount };
    },
    async signal(id, step, payload) {
      const ok = await store.signal(id, step, payload, now());
      if (ok) kick(id);
      return ok;
    },
    async settled(id, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const state = await engine.get(id);
        if (!state || FINAL.includes(state.status) || state.status === 'waiting') return state;
        const left = deadline - Date.now();
        if (left <= 0) return state;
        // Woken by this replica's transitions; another replica's are seen by the re-read.
        await new Promise<void>((resolve) => {
          const set = waiters.get(id) ?? new Set();
          const wake = () => {
            clearTimeout(t);
            set.delete(wake);
            if (set.size === 0) waiters.delete(id);
            resolve();
          };
          const t = setTimeout(wake, Math.min(left, 100));
          set.add(wake);
          waiters.set(id, set);
        });
      }
    },
    async retry(id) {
      const row = await store.get(id);
      if (!row || row.status === 'completed' || row.status === 'failed') return false;
      const status =
        row.status === 'stuck' ? 'compensating' : row.status === 'waiting' ? 'running' : row.status;
      const ok = await store.wake(
        id,
        { status },
        { step: '', phase: 'saga', outcome: 'retried', attempt: 0 },
        now(),
      );
      if (ok) kick(id);
      return ok;
    },
    async abort(id, reason) {
      const row = await store.get(id);
      if (!row || !['running', 'waiting'].includes(row.status)) return false;
      const def = definitions.get(row.type);
      const current = def?.steps[row.step]?.name ?? '';
      const failure: SagaFailure = { code: 'ABORTED', message: reason, step: current };
      // The step in progress may have acted: undo it too (compensations are idempotent).
      const undo = Math.min(row.step + 1, def?.steps.length ?? row.step);
      const ok = await store.wake(
        id,
        { status: 'compensating', step: undo, failure },
        { step: current, phase: 'saga', outcome: 'aborted', attempt: 0, error: reason },
        now(),
      );
      if (ok) {
        metrics.failed(row.type, 'ABORTED');
        kick(id);
      }
      return ok;
    },
    async runDue() {
      let total = 0;
      for (;;) {
        if (kicks.size > 0) await Promise.all(kicks);
        const runs = await claimAndDrive();
        if (runs.length === 0) {
          if (driving.size === 0) return total;
          await Promise.all(driving.values());
          continue;
        }
        total += runs.length;
        await Promise.all(runs);
      }
    },
    worker: {
      // A round claims what is due and starts driving it; stop waits for the drives in flight.
      ...createPeriodicWorker({
        name: 'saga-driver',
        intervalMs: opts.pollMs ?? 250,
        run: async () => void (await claimAndDrive()),
        drain: async () => void (await Promise.all(driving.values())),
        logger: opts.logger,
      }),
      flush: async () => void (await engine.runDue()),
    },
  };
  return engine;
}

function toState(row: SagaRow, def: SagaDefinition | undefined): SagaState {
  const index = row.status === 'compensating' ? row.step - 1 : row.step;
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    currentStep: FINAL.includes(row.status) ? null : (def?.steps[index]?.name ?? null),
    input: row.input,
    data: row.data,
    failure: row.failure,
    deadlineAt: new Date(row.deadlineAt).toISOString(),
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
    version: row.version,
  };
}
