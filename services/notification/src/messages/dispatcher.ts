import type { Database } from '@mercato/platform/db';
import { createPeriodicWorker } from '@mercato/platform/http';
import type { Logger } from '@mercato/platform/logging';
import type { Outbox } from '@mercato/platform/messaging';
import type { Worker } from '@mercato/platform/service';
import type { AttachmentRef } from '../attachments/attachment.ts';
import type { AttachmentResolver } from '../attachments/attachment-resolver.ts';
import type { NotificationDB } from '../db.ts';
import { DeliveryError, type Providers } from '../providers/provider.ts';
import { messageRepository as repo, type MessageRow } from './message-repository.ts';

export interface DispatchOptions {
  batch: number;
  concurrency: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  rateLimit: number;
  rateWindowMs: number;
  /** How long a claimed message is this sender's before another may take it (a crash). */
  leaseMs?: number;
}

/** What one round did (tests and logs). */
export interface RoundResult {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
  deferred: number;
}

export interface Dispatcher {
  /** One round at `now`: claims what is due, hands it to providers, records the outcomes. */
  runOnce(now?: Date): Promise<RoundResult>;
  worker(intervalMs: number): Worker;
}

/** The delay before retry n (1-based): base·2^(n-1), capped. */
export function retryDelay(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

/**
 * Sends queued messages: claims due ones (SKIP LOCKED, with a lease, so replicas share the
 * work and a crashed sender's messages come back), keeps each recipient under the rate limit
 * (the rest wait for the window), and records every attempt with the provider's answer. A
 * transient failure is retried with exponential back-off; a permanent one, or the last
 * attempt, fails the message (an admin may replay it). Sent and failed are published as
 * notification.sent / notification.failed in the transaction that records them.
 */
export function createDispatcher(deps: {
  database: Database<NotificationDB>;
  outbox: Outbox;
  providers: Providers;
  attachments: AttachmentResolver;
  logger: Logger;
  options: DispatchOptions;
}): Dispatcher {
  const { database, outbox, providers, attachments, logger, options: o } = deps;
  const leaseMs = o.leaseMs ?? 300_000;

  async function deliver(
    m: MessageRow,
    now: Date,
    leaseUntil: Date,
  ): Promise<keyof Omit<RoundResult, 'claimed'>> {
    const provider = providers[m.channel];
    const started = performance.now();
    const at = () => new Date(now.getTime() + (performance.now() - started));
    const facts = {
      messageId: m.id,
      type: m.type,
      channel: m.channel,
      category: m.category,
      ...(m.user_id && { userId: m.user_id }),
      ...(m.event_id && { eventId: m.event_id }),
      attempts: m.attempts,
    };
    const context = m.correlation_id ? { context: { correlationId: m.correlation_id } } : {};
    try {
      // Fetched for each attempt: a source that is down is retried like a provider that is.
      const refs = (m.attachments ?? []) as AttachmentRef[];
      const files = refs.length > 0 ? await attachments.resolve(refs) : [];
      const answer = await provider.send({
        id: m.id,
        channel: m.channel,
        to: m.recipient,
        subject: m.subject,
        html: m.html,
        text: m.text,
        headers: (m.headers ?? {}) as Record<string, string>,
        ...(files.length > 0 && { attachments: files }),
      });
      // The round's time, not the clock after the send: the rate limit counts sends from it.
      const sentAt = now;
      await database.transaction(async (trx) => {
        const mine = await repo.settle(trx, m.id, leaseUntil, {
          status: 'sent',
          sent_at: sentAt,
          provider_message_id: answer.providerMessageId ?? null,
          last_error: null,
          updated_at: sentAt,
        });
        if (!mine) return;
        await repo.addAttempt(trx, {
          messageId: m.id,
          attempt: m.attempts,
          outcome: 'sent',
          response: answer.response,
          durationMs: performance.now() - started,
          at: sentAt,
        });
        await outbox.add(trx, {
          type: 'notification.sent',
          subject: m.id,
          data: {
            ...facts,
            ...(answer.providerMessageId && { providerMessageId: answer.providerMessageId }),
            sentAt: sentAt.toISOString(),
          },
          ...context,
        });
      });
      return 'sent';
    } catch (err) {
      const de =
        err instanceof DeliveryError
          ? err
          : new DeliveryError(String((err as Error).message ?? err), false, err);
      const last = de.permanent || m.attempts >= o.maxAttempts;
      const when = at();
      await database.transaction(async (trx) => {
        const mine = await repo.settle(
          trx,
          m.id,
          leaseUntil,
          last
            ? { status: 'failed', last_error: de.response, updated_at: when }
            : {
                status: 'queued',
                last_error: de.response,
                next_attempt_at: new Date(
                  now.getTime() + retryDelay(m.attempts, o.retryBaseMs, o.retryMaxMs),
                ),
                updated_at: when,
              },
        );
        if (!mine) return;
        await repo.addAttempt(trx, {
          messageId: m.id,
          attempt: m.attempts,
          outcome: last ? 'failed' : 'retry',
          response: de.response,
          durationMs: performance.now() - started,
          at: when,
        });
        if (last) {
          await outbox.add(trx, {
            type: 'notification.failed',
            subject: m.id,
            data: { ...facts, reason: de.response, permanent: de.permanent, failedAt: when.toISOString() },
            ...context,
          });
        }
      });
      logger.warn(
        {
          messageId: m.id,
          channel: m.channel,
          attempt: m.attempts,
          permanent: de.permanent,
          response: de.response,
        },
        last ? 'notification failed' : 'notification delivery failed; retrying later',
      );
      return last ? 'failed' : 'retried';
    }
  }

  /** Puts a message back for when its recipient's window has room (not counted as an attempt). */
  async function defer(m: MessageRow, now: Date, leaseUntil: Date, until: Date): Promise<void> {
    await database.transaction(async (trx) => {
      const mine = await repo.settle(trx, m.id, leaseUntil, {
        status: 'queued',
        attempts: m.attempts - 1,
        next_attempt_at: until,
        updated_at: now,
      });
      if (!mine) return;
      await repo.addAttempt(trx, {
        messageId: m.id,
        attempt: m.attempts,
        outcome: 'deferred',
        response: `rate limit: ${o.rateLimit} per ${o.rateWindowMs} ms for this recipient; due ${until.toISOString()}`,
        durationMs: 0,
        at: now,
      });
    });
  }

  async function runOnce(now = new Date()): Promise<RoundResult> {
    const result: RoundResult = { claimed: 0, sent: 0, retried: 0, failed: 0, deferred: 0 };
    const leaseUntil = new Date(now.getTime() + leaseMs);
    const claimed = await repo.claimDue(database.db, now, leaseUntil, o.batch);
    result.claimed = claimed.length;
    if (claimed.length === 0) return result;
    claimed.sort((a, b) => a.created_at.getTime() - b.created_at.getTime());

    // The rate limit per recipient: what was sent in the window, plus what this round sends.
    const windowStart = new Date(now.getTime() - o.rateWindowMs);
    const sent = await repo.sentSince(
      database.db,
      [...new Set(claimed.map((m) => m.recipient))],
      windowStart,
    );
    const toSend: MessageRow[] = [];
    for (const m of claimed) {
      const s = sent.get(m.recipient) ?? { count: 0, first: now };
      if (s.count >= o.rateLimit) {
        await defer(m, now, leaseUntil, new Date(s.first.getTime() + o.rateWindowMs));
        result.deferred++;
      } else {
        sent.set(m.recipient, { count: s.count + 1, first: s.count === 0 ? now : s.first });
        toSend.push(m);
      }
    }

    let next = 0;
    const lanes = Array.from({ length: Math.min(o.concurrency, toSend.length) }, async () => {
      while (next < toSend.length) {
        const m = toSend[next++]!;
        result[await deliver(m, now, leaseUntil)]++;
      }
    });
    await Promise.all(lanes);
    return result;
  }

  return {
    runOnce,
    worker(intervalMs) {
      return createPeriodicWorker({
        name: 'notification-dispatcher',
        intervalMs,
        logger,
        // A round that took a full batch runs again at once: a backlog drains without waiting.
        run: async () => {
          while ((await runOnce()).claimed >= o.batch) {
            /* next batch */
          }
        },
      });
    },
  };
}
