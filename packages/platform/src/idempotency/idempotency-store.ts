import { hash } from 'node:crypto';
import { stringify as stableStringify } from 'safe-stable-stringify';
import { sql } from 'kysely';
import type { KitDatabase } from '../db/database.ts';

/** A stored answer to replay. */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What happened when a request claimed its key. */
export type Claim =
  | { kind: 'claimed' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'mismatch' }
  | { kind: 'in_flight' };

interface Row {
  request_hash: string;
  state: 'in_flight' | 'done';
  response_status: number | null;
  response_headers: Record<string, string> | null;
  response_body: string | null;
}

/** A stable hash of the parts of a request that make it "the same request". */
export function requestFingerprint(parts: unknown): string {
  // Keys sorted: the same body sent with its fields in another order is the same request.
  // One-shot hash(): no Hash object per request.
  return hash('sha256', stableStringify(parts ?? null) ?? 'null', 'hex');
}

/**
 * Idempotency-Key records in the service's schema (ARCHITECTURE.md §5). A key is claimed
 * atomically (insert, or take over an expired record, or an in-flight one abandoned by a
 * crashed process after `abandonAfterMs`).
 */
export function createIdempotencyStore(
  database: KitDatabase,
  opts: { ttlMs?: number; abandonAfterMs?: number } = {},
) {
  const ttlMs = opts.ttlMs ?? 24 * 3600_000;
  const abandonAfterMs = opts.abandonAfterMs ?? 120_000;
  const table = sql.id(database.schema, 'idempotency_keys');

  return {
    async claim(scope: string, key: string, hash: string): Promise<Claim> {
      const taken = await sql<{ key: string }>`
        insert into ${table} (scope, key, request_hash, state, expires_at)
        values (${scope}, ${key}, ${hash}, 'in_flight', now() + ${ttlMs} * interval '1 millisecond')
        on conflict (scope, key) do update
          set request_hash = excluded.request_hash, state = 'in_flight', response_status = null,
              response_headers = null, response_body = null, created_at = now(), expires_at = excluded.expires_at
          where ${table}.expires_at < now()
             or (${table}.state = 'in_flight' and ${table}.created_at < now() - ${abandonAfterMs} * interval '1 millisecond')
        returning key`.execute(database.db);
      if (taken.rows.length > 0) return { kind: 'claimed' };
      const found =
        await sql<Row>`select request_hash, state, response_status, response_headers, response_body
        from ${table} where scope = ${scope} and key = ${key}`.execute(database.db);
      const row = found.rows[0];
      // Deleted between our insert attempt and read (a 5xx released it): treat as in flight; the client retries.
      if (!row) return { kind: 'in_flight' };
      if (row.request_hash !== hash) return { kind: 'mismatch' };
      if (row.state === 'in_flight') return { kind: 'in_flight' };
      return {
        kind: 'replay',
        response: {
          status: row.response_status ?? 200,
          headers: row.response_headers ?? {},
          body: row.response_body ?? '',
        },
      };
    },

    async complete(scope: string, key: string, response: StoredResponse): Promise<void> {
      await sql`update ${table} set state = 'done', response_status = ${response.status},
          response_headers = ${JSON.stringify(response.headers)}::jsonb, response_body = ${response.body}
        where scope = ${scope} and key = ${key}`.execute(database.db);
    },

    /** Forgets a claim whose request failed on our side (5xx), so the client may retry. */
    async release(scope: string, key: string): Promise<void> {
      await sql`delete from ${table} where scope = ${scope} and key = ${key} and state = 'in_flight'`.execute(
        database.db,
      );
    },

    async purgeExpired(): Promise<number> {
      const r = await sql`delete from ${table} where expires_at < now()`.execute(database.db);
      return Number(r.numAffectedRows ?? 0);
    },
  };
}

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;
