import type { Kysely } from '@mercato/platform/db';
import { pageResult, type Page } from '@mercato/platform/http';
import { newId } from '@mercato/platform/ids';
import type { AttachmentRef } from '../attachments/attachment.ts';
import type { Channel, NotificationDB } from '../db.ts';
import { NotificationErrors } from '../errors.ts';
import { preferenceRepository as prefs } from '../preferences/preference-repository.ts';
import { releaseTime } from '../preferences/quiet-hours.ts';
import { signUnsubscribe } from '../preferences/unsubscribe-token.ts';
import { notificationTypes, type NotificationType } from '../templates/notification-types.ts';
import { checkData, type TemplateService } from '../templates/template-service.ts';
import { messageRepository as repo, type MessageFilter, type MessageRow } from './message-repository.ts';
import type { Message, MessageDetail } from './message.ts';

/** A message to queue: a type's data for one recipient on one channel. */
export interface EnqueueRequest {
  type: NotificationType;
  channel: Channel;
  to: string;
  userId?: string;
  locale?: string;
  /** The type's variables; `shopName`, `name` and `unsubscribeUrl` are filled in when absent. */
  data: Record<string, unknown>;
  /** Files fetched when the message is sent (email only). */
  attachments?: AttachmentRef[];
  /** Same key → one message, however often it is asked for (`<event id>:<channel>:<recipient>`). */
  dedupeKey: string;
  eventId?: string;
  correlationId?: string;
}

/** What became of an enqueue request. */
export type EnqueueResult =
  | { outcome: 'queued'; id: string; notBefore: Date }
  | { outcome: 'duplicate' }
  | { outcome: 'suppressed'; reason: string };

export interface MessageService {
  /** Renders and queues a message in the caller's transaction (a consumer's, with its inbox row). */
  enqueue(trx: Kysely<NotificationDB>, req: EnqueueRequest, now?: Date): Promise<EnqueueResult>;
  list(f: MessageFilter): Promise<Page<Message>>;
  get(id: string): Promise<MessageDetail>;
  replay(id: string, now?: Date): Promise<Message>;
}

const EMAIL = /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:"]+$/;
const PHONE = /^\+[1-9]\d{6,14}$/;

/** The recipient normalized for its channel, or a 400 naming it. */
export function normalizeRecipient(channel: Channel, to: string): string {
  const v = to.trim();
  if (channel === 'email' && EMAIL.test(v) && v.length <= 254) return v.toLowerCase();
  if (channel === 'sms' && PHONE.test(v)) return v;
  if (channel === 'push' && v.length > 0 && v.length <= 500) return v;
  throw NotificationErrors.NOTIFICATION_RECIPIENT_INVALID(`not a valid ${channel} recipient`, {
    errors: [
      {
        path: '/to',
        message: channel === 'sms' ? 'must be an E.164 number' : `must be a valid ${channel} address`,
      },
    ],
  });
}

export function toMessage(r: MessageRow): Message {
  return {
    id: r.id,
    type: r.type,
    category: r.category,
    channel: r.channel,
    recipient: r.recipient,
    userId: r.user_id,
    locale: r.locale,
    subject: r.subject,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.status === 'queued' ? r.next_attempt_at.toISOString() : null,
    providerMessageId: r.provider_message_id,
    lastError: r.last_error,
    eventId: r.event_id,
    createdAt: r.created_at.toISOString(),
    sentAt: r.sent_at?.toISOString() ?? null,
  };
}

export function createMessageService(deps: {
  db: Kysely<NotificationDB>;
  templates: TemplateService;
  signingSecret: string;
  publicUrl: string;
  shopName: string;
}): MessageService {
  const base = deps.publicUrl.replace(/\/+$/, '');

  return {
    async enqueue(trx, req, now = new Date()) {
      const type = notificationTypes[req.type];
      const to = normalizeRecipient(req.channel, req.to);
      const data: Record<string, unknown> = { shopName: deps.shopName, name: to, ...req.data };
      const headers: Record<string, string> = {};
      let notBefore = now;
      if (type.category === 'marketing') {
        // Marketing is opt-in per channel and needs an account to hold the consent.
        if (!req.userId) return { outcome: 'suppressed', reason: 'marketing needs a known account' };
        const optedIn = await prefs.marketing(trx, req.userId);
        if (!optedIn[req.channel])
          return { outcome: 'suppressed', reason: `no marketing consent for ${req.channel}` };
        const url = `${base}/api/v1/notifications/unsubscribe?token=${signUnsubscribe(deps.signingSecret, {
          userId: req.userId,
          channel: req.channel,
        })}`;
        data.unsubscribeUrl = url;
        headers['List-Unsubscribe'] = `<${url}>`;
        headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
        const quiet = await prefs.quietHours(trx, req.userId);
        if (quiet) {
          notBefore = releaseTime(now, {
            startMinute: quiet.start_minute,
            endMinute: quiet.end_minute,
            timeZone: quiet.time_zone,
          });
        }
      }
      checkData(req.type, data);
      const locale = req.locale ?? 'en';
      const rendered = await deps.templates.render(trx, req.type, locale, data);
      const id = await repo.insert(trx, {
        id: newId(),
        dedupe_key: req.dedupeKey,
        type: req.type,
        category: type.category,
        channel: req.channel,
        recipient: to,
        user_id: req.userId ?? null,
        locale,
        ...rendered,
        headers,
        attachments: req.attachments ?? [],
        status: 'queued',
        next_attempt_at: notBefore,
        event_id: req.eventId ?? null,
        correlation_id: req.correlationId ?? null,
        updated_at: now,
      });
      return id ? { outcome: 'queued', id, notBefore } : { outcome: 'duplicate' };
    },

    async list(f) {
      const { rows, totalCount } = await repo.page(deps.db, f);
      return pageResult(rows.map(toMessage), f.page, f.pageSize, totalCount);
    },

    async get(id) {
      const row = await repo.find(deps.db, id);
      if (!row) throw NotificationErrors.NOTIFICATION_MESSAGE_NOT_FOUND(`no message ${id}`);
      const attempts = await repo.attempts(deps.db, id);
      return {
        ...toMessage(row),
        text: row.text,
        html: row.html,
        deliveries: attempts.map((a) => ({
          attempt: a.attempt,
          outcome: a.outcome,
          providerResponse: a.provider_response,
          durationMs: a.duration_ms,
          at: a.at.toISOString(),
        })),
      };
    },

    async replay(id, now = new Date()) {
      if (!(await repo.requeueFailed(deps.db, id, now))) {
        const row = await repo.find(deps.db, id);
        if (!row) throw NotificationErrors.NOTIFICATION_MESSAGE_NOT_FOUND(`no message ${id}`);
        throw NotificationErrors.NOTIFICATION_MESSAGE_NOT_FAILED(`message ${id} is ${row.status}`);
      }
      return toMessage((await repo.find(deps.db, id))!);
    },
  };
}
