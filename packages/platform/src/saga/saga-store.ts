import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import type { SagaFailure, SagaHistoryEntry, SagaStatus } from './saga-definition.ts';

/** A saga row as the runner works on it (times in ms since the epoch). */
export interface SagaRow {
  id: string;
  type: string;
  status: SagaStatus;
  step: number;
  attempt: number;
  input: unknown;
  data: Record<string, unknown>;
  signals: Record<string, unknown>;
  failure: SagaFailure | null;
  deadlineAt: number;
  wakeAt: number;
  waitingSince: number | null;
  version: number;
  createdAt: number;
  updatedAt: number;
}

/** What a transition changes of a saga row. */
export type SagaChange = Partial<
  Pick<
    SagaRow,
    'status' | 'step' | 'attempt' | 'data' | 'signals' | 'failure' | 'deadlineAt' | 'wakeAt' | 'waitingSince'
  >
>;

/** One line of the timeline to append with a change. */
export interface HistoryLine {
  step: string;
  phase: SagaHistoryEntry['phase'];
  outcome: string;
  attempt: number;
  error?: string;
  durationMs?: number;
}

interface RawSaga {
  id: string;
  type: string;
  status: SagaStatus;
  step: number;
  attempt: number;
  input: unknown;
  data: Record<string, unknown>;
  signals: Record<string, unknown>;
  failure: SagaFailure | null;
  deadline_at: Date;
  wake_at: Date;
  waiting_since: Date | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const ACTIVE: SagaStatus[] = ['running', 'waiting', 'compensating'];

function toRow(r: RawSaga): SagaRow {
  return {
    id: r.id,
    type: r.type,
    status: r.status,
    step: r.step,
    attempt: r.attempt,
    input: r.input,
    data: r.data,
    signals: r.signals,
    failure: r.failure,
    deadlineAt: r.deadline_at.getTime(),
    wakeAt: r.wake_at.getTime(),
    waitingSince: r.waiting_since?.getTime() ?? null,
    version: r.version,
    createdAt: r.created_at.getTime(),
    updatedAt: r.updated_at.getTime(),
  };
}

const ts = (ms: number) => new Date(ms).toISOString();

/** The SQL of the saga tables in one service's schema. Times come from the engine's clock. */
export function createSagaStore(database: Database<unknown>) {
  const sagas = sql.id(database.schema, 'sagas');
  const history = sql.id(database.schema, 'saga_history');
  const db = database.db as Kysely<unknown>;

  async function appendHistory(exec: Kysely<unknown>, id: string, lines: HistoryLine[], at: number) {
    if (lines.length === 0) return;
    await sql`insert into ${history} (saga_id, step, phase, outcome, attempt, error, duration_ms, at)
      select ${id}, * from unnest(${lines.map((l) => l.step)}::text[], ${lines.map((l) => l.phase)}::text[],
        ${lines.map((l) => l.outcome)}::text[], ${lines.map((l) => l.attempt)}::int[],
        ${lines.map((l) => l.error ?? null)}::text[], ${lines.map((l) => Math.round(l.durationMs ?? 0))}::int[],
        ${lines.map(() => ts(at))}::timestamptz[])`.execute(exec);
  }

  return {
    /** Creates a saga unless one with this id exists; answers whether it created it. */
    async create(
      saga: { id: string; type: string; input: unknown; deadlineAt: number },
      at: number,
    ): Promise<boolean> {
      return database.transaction(async (trx) => {
        const inserted = await sql`insert into ${sagas}
            (id, type, status, input, deadline_at, wake_at, created_at, updated_at)
          values (${saga.id}, ${saga.type}, 'running', ${JSON.stringify(saga.input)}::jsonb,
            ${ts(saga.deadlineAt)}, ${ts(at)}, ${ts(at)}, ${ts(at)})
          on conflict (id) do nothing`.execute(trx);
        const created = Number(inserted.numAffectedRows ?? 0) === 1;
        if (created) {
          await appendHistory(
            trx,
            saga.id,
            [{ step: '', phase: 'saga', outcome: 'started', attempt: 0 }],
            at,
          );
        }
        return created;
      });
    },

    async get(id: string): Promise<SagaRow | undefined> {
      const r = await sql<RawSaga>`select * from ${sagas} where id = ${id}`.execute(db);
      return r.rows[0] && toRow(r.rows[0]);
    },

    /**
     * Takes up to `limit` sagas that are due (their wake time passed) and not leased by a live
     * replica, and leases them to `owner` until `leaseUntil`. SKIP LOCKED: replicas claiming at
     * once take different sagas. `id` restricts it to one saga (run it now).
     */
    async claim(
      owner: string,
      at: number,
      leaseUntil: number,
      limit: number,
      id?: string,
    ): Promise<SagaRow[]> {
      const only = id === undefined ? sql`` : sql`and id = ${id}`;
      const r = await sql<RawSaga>`update ${sagas} set lease_owner = ${owner}, lease_until = ${ts(leaseUntil)}
        where id in (
          select id from ${sagas}
          where status = any(${ACTIVE}::text[]) and wake_at <= ${ts(at)}
            and (lease_until is null or lease_until < ${ts(at)}) ${only}
          order by wake_at limit ${limit} for update skip locked)
        returning *`.execute(db);
      return r.rows.map(toRow);
    },

    /**
     * Applies a transition if `owner` still holds the lease; keeps or releases the lease;
     * appends the timeline. Answers false when the lease was lost (another replica drives it).
     */
    async update(
      id: string,
      owner: string,
      change: SagaChange,
      lines: HistoryLine[],
      at: number,
      lease: { until: number } | 'release',
    ): Promise<boolean> {
      return database.transaction(async (trx) => {
        const set = [
          change.status !== undefined && sql`status = ${change.status}`,
          change.step !== undefined && sql`step = ${change.step}`,
          change.attempt !== undefined && sql`attempt = ${change.attempt}`,
          change.data !== undefined && sql`data = ${JSON.stringify(change.data)}::jsonb`,
          change.signals !== undefined && sql`signals = ${JSON.stringify(change.signals)}::jsonb`,
          change.failure !== undefined && sql`failure = ${JSON.stringify(change.failure)}::jsonb`,
          change.deadlineAt !== undefined && sql`deadline_at = ${ts(change.deadlineAt)}`,
          change.wakeAt !== undefined && sql`wake_at = ${ts(change.wakeAt)}`,
          change.waitingSince !== undefined &&
            sql`waiting_since = ${change.waitingSince === null ? null : ts(change.waitingSince)}`,
          lease === 'release'
            ? sql`lease_owner = null, lease_until = null`
            : sql`lease_until = ${ts(lease.until)}`,
          sql`version = version + 1, updated_at = ${ts(at)}`,
        ].filter((part) => part !== false);
        const r = await sql`update ${sagas} set ${sql.join(set)}
          where id = ${id} and lease_owner = ${owner}`.execute(trx);
        if (Number(r.numAffectedRows ?? 0) !== 1) return false;
        await appendHistory(trx, id, lines, at);
        return true;
      });
    },

    /**
     * Records what the outside tells a waiting step and wakes the saga now (whoever holds it):
     * answers false when the saga does not exist or has ended.
     */
    async signal(id: string, step: string, payload: unknown, at: number): Promise<boolean> {
      const r = await sql`update ${sagas}
        set signals = signals || jsonb_build_object(${step}::text, ${JSON.stringify(payload)}::jsonb),
          wake_at = least(wake_at, ${ts(at)}), status = case when status = 'waiting' then 'running' else status end,
          version = version + 1, updated_at = ${ts(at)}
        where id = ${id} and status = any(${ACTIVE}::text[])`.execute(db);
      return Number(r.numAffectedRows ?? 0) === 1;
    },

    /** An operator's nudge: a stuck saga compensates again, a waiting or backing-off one runs now. */
    async wake(id: string, change: SagaChange, line: HistoryLine, at: number): Promise<boolean> {
      return database.transaction(async (trx) => {
        const status = change.status ?? 'running';
        const r = await sql`update ${sagas} set status = ${status}, attempt = 0, wake_at = ${ts(at)},
            lease_owner = null, lease_until = null, version = version + 1, updated_at = ${ts(at)}
            ${change.failure !== undefined ? sql`, failure = ${JSON.stringify(change.failure)}::jsonb` : sql``}
            ${change.step !== undefined ? sql`, step = ${change.step}` : sql``}
          where id = ${id}`.execute(trx);
        if (Number(r.numAffectedRows ?? 0) !== 1) return false;
        await appendHistory(trx, id, [line], at);
        return true;
      });
    },

    async history(id: string): Promise<SagaHistoryEntry[]> {
      const r = await sql<{
        step: string;
        phase: SagaHistoryEntry['phase'];
        outcome: string;
        attempt: number;
        error: string | null;
        duration_ms: number;
        at: Date;
      }>`select step, phase, outcome, attempt, error, duration_ms, at from ${history}
        where saga_id = ${id} order by id`.execute(db);
      return r.rows.map((h) => ({
        step: h.step,
        phase: h.phase,
        outcome: h.outcome,
        attempt: h.attempt,
        error: h.error,
        durationMs: h.duration_ms,
        at: h.at.toISOString(),
      }));
    },

    /** Sagas by status (all when absent), oldest first, with the total. */
    async list(q: { status?: SagaStatus; type?: string; page: number; pageSize: number }) {
      const where = sql.join(
        [
          sql`true`,
          ...(q.status ? [sql`status = ${q.status}`] : []),
          ...(q.type ? [sql`type = ${q.type}`] : []),
        ],
        sql` and `,
      );
      const [rows, count] = await Promise.all([
        sql<RawSaga>`select * from ${sagas} where ${where} order by created_at, id
          limit ${q.pageSize} offset ${(q.page - 1) * q.pageSize}`.execute(db),
        sql<{ n: number }>`select count(*)::int as n from ${sagas} where ${where}`.execute(db),
      ]);
      return { rows: rows.rows.map(toRow), totalCount: count.rows[0]?.n ?? 0 };
    },

    /** Sagas in flight by status (the in-flight gauge). */
    async countActive(): Promise<Record<string, number>> {
      const r = await sql<{ status: string; n: number }>`select status, count(*)::int as n from ${sagas}
        where status = any(${[...ACTIVE, 'stuck']}::text[]) group by status`.execute(db);
      return Object.fromEntries(r.rows.map((x) => [x.status, x.n]));
    },
  };
}

/** The store's operations. */
export type SagaStore = ReturnType<typeof createSagaStore>;
