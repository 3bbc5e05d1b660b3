import { fetchPage, jsonb, type Kysely, type Insertable, type Selectable } from '@mercato/platform/db';
import { newId } from '@mercato/platform/ids';
import type {
  AttemptOutcome,
  DeliveryAttemptsTable,
  MessagesTable,
  MessageStatus,
  NotificationDB,
} from '../db.ts';

export type MessageRow = Selectable<MessagesTable>;
export type AttemptRow = Selectable<DeliveryAttemptsTable>;

export interface MessageFilter {
  status?: MessageStatus;
  recipient?: string;
  type?: string;
  page: number;
  pageSize: number;
}

export const messageRepository = {
  /** Inserts a message unless one with its dedupe key exists; the new row's id, or undefined for a repeat. */
  async insert(db: Kysely<NotificationDB>, row: Insertable<MessagesTable>): Promise<string | undefined> {
    const inserted = await db
      .insertInto('messages')
      .values({ ...row, headers: jsonb(row.headers ?? {}), attachments: jsonb(row.attachments ?? []) })
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted?.id;
  },

  find(db: Kysely<NotificationDB>, id: string): Promise<MessageRow | undefined> {
    return db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
  },

  attempts(db: Kysely<NotificationDB>, messageId: string): Promise<AttemptRow[]> {
    return db
      .selectFrom('delivery_attempts')
      .selectAll()
      .where('message_id', '=', messageId)
      .orderBy('at')
      .orderBy('attempt')
      .execute();
  },

  page(db: Kysely<NotificationDB>, f: MessageFilter) {
    let q = db.selectFrom('messages');
    if (f.status) q = q.where('status', '=', f.status);
    if (f.recipient) q = q.where('recipient', '=', f.recipient);
    if (f.type) q = q.where('type', '=', f.type);
    return fetchPage(q, f, (s) => s.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc'));
  },

  /**
   * Takes up to `limit` due messages (queued, or sending whose claim lapsed: a crashed
   * sender's) for this sender until `leaseUntil`, counting the attempt. SKIP LOCKED: replicas
   * claiming at once take different messages.
   */
  claimDue(db: Kysely<NotificationDB>, now: Date, leaseUntil: Date, limit: number): Promise<MessageRow[]> {
    return db
      .updateTable('messages')
      .set((eb) => ({
        status: 'sending',
        attempts: eb('attempts', '+', 1),
        next_attempt_at: leaseUntil,
        updated_at: now,
      }))
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('messages')
          .select('id')
          .where('status', 'in', ['queued', 'sending'])
          .where('next_attempt_at', '<=', now)
          .orderBy('next_attempt_at')
          .limit(limit)
          .forUpdate()
          .skipLocked(),
      )
      .where('status', 'in', ['queued', 'sending'])
      .returningAll()
      .execute();
  },

  /** Per recipient: how many messages were sent since `since`, and the earliest of those sends. */
  async sentSince(
    db: Kysely<NotificationDB>,
    recipients: readonly string[],
    since: Date,
  ): Promise<Map<string, { count: number; first: Date }>> {
    if (recipients.length === 0) return new Map();
    const rows = await db
      .selectFrom('messages')
      .select((eb) => ['recipient', eb.fn.countAll<string>().as('n'), eb.fn.min('sent_at').as('first')])
      .where('recipient', 'in', recipients)
      .where('sent_at', '>', since)
      .groupBy('recipient')
      .execute();
    return new Map(rows.map((r) => [r.recipient, { count: Number(r.n), first: r.first as Date }]));
  },

  /** Sets the outcome of a claimed message (only while this sender holds it). */
  async settle(
    db: Kysely<NotificationDB>,
    id: string,
    leaseUntil: Date,
    set: Partial<
      Pick<
        MessageRow,
        'status' | 'next_attempt_at' | 'provider_message_id' | 'last_error' | 'sent_at' | 'attempts'
      >
    > & {
      updated_at: Date;
    },
  ): Promise<boolean> {
    const r = await db
      .updateTable('messages')
      .set(set)
      .where('id', '=', id)
      .where('status', '=', 'sending')
      .where('next_attempt_at', '=', leaseUntil)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },

  async addAttempt(
    db: Kysely<NotificationDB>,
    a: {
      messageId: string;
      attempt: number;
      outcome: AttemptOutcome;
      response: string | null;
      durationMs: number;
      at: Date;
      providerEventId?: string;
    },
  ): Promise<void> {
    await db
      .insertInto('delivery_attempts')
      .values({
        id: newId(),
        message_id: a.messageId,
        attempt: a.attempt,
        outcome: a.outcome,
        provider_response: a.response,
        duration_ms: Math.round(a.durationMs),
        at: a.at,
        provider_event_id: a.providerEventId ?? null,
      })
      .execute();
  },

  findForUpdate(db: Kysely<NotificationDB>, id: string): Promise<MessageRow | undefined> {
    return db.selectFrom('messages').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  },

  async hasProviderEvent(db: Kysely<NotificationDB>, providerEventId: string): Promise<boolean> {
    const row = await db
      .selectFrom('delivery_attempts')
      .select('id')
      .where('provider_event_id', '=', providerEventId)
      .executeTakeFirst();
    return row !== undefined;
  },

  /** A sent message delivered or bounced, as its provider reported. */
  async setDeliveryStatus(
    db: Kysely<NotificationDB>,
    id: string,
    status: 'delivered' | 'bounced',
    lastError: string | null,
    now: Date,
  ): Promise<void> {
    await db
      .updateTable('messages')
      .set({ status, updated_at: now, ...(lastError !== null && { last_error: lastError }) })
      .where('id', '=', id)
      .execute();
  },

  /** A failed message back to the queue (the admin's replay); false unless it was failed. */
  async requeueFailed(db: Kysely<NotificationDB>, id: string, now: Date): Promise<boolean> {
    const r = await db
      .updateTable('messages')
      .set({ status: 'queued', attempts: 0, next_attempt_at: now, updated_at: now, last_error: null })
      .where('id', '=', id)
      .where('status', '=', 'failed')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },

  /** Counts per status (metrics, the admin overview). */
  async countByStatus(db: Kysely<NotificationDB>): Promise<Record<string, number>> {
    const rows = await db
      .selectFrom('messages')
      .select((eb) => ['status', eb.fn.countAll<string>().as('n')])
      .groupBy('status')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  },
};
