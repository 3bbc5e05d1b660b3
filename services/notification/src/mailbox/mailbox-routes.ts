import type { Kysely } from '@mercato/platform/db';
import { PageOf, PageQuery, pageResult, problemResponses, type ServiceApp } from '@mercato/platform/http';
import { Type } from 'typebox';
import { KeptAttachmentSchema, type KeptAttachment } from '../attachments/attachment.ts';
import type { NotificationDB } from '../db.ts';
import { mailboxRepository } from './mailbox-repository.ts';

const MailSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  messageId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  channel: Type.String(),
  from: Type.String(),
  to: Type.String(),
  subject: Type.String(),
  html: Type.String(),
  text: Type.String(),
  headers: Type.Record(Type.String(), Type.String()),
  attachments: Type.Array(KeptAttachmentSchema, { description: 'the files it carried (name, type, size)' }),
  receivedAt: Type.String({ format: 'date-time' }),
});

const Query = Type.Object({
  ...PageQuery,
  to: Type.Optional(Type.String({ maxLength: 254, description: 'only what was sent to this recipient' })),
  channel: Type.Optional(Type.Union([Type.Literal('email'), Type.Literal('sms'), Type.Literal('push')])),
});

/**
 * GET /api/v1/notifications/dev-mailbox: what the development providers kept instead of
 * sending (embedded mode without SMTP_URL): a newcomer opens the verification email here.
 */
export function registerMailboxRoutes(app: ServiceApp, db: Kysely<NotificationDB>): void {
  app.get(
    '/api/v1/notifications/dev-mailbox',
    {
      config: { auth: { permission: 'notifications:write' } },
      schema: {
        tags: ['notifications'],
        summary: 'The development mailbox: emails, SMS and pushes kept instead of sent, newest first',
        querystring: Query,
        response: { 200: PageOf(MailSchema), ...problemResponses(400) },
      },
    },
    async (request) => {
      const q = request.query;
      const { rows, totalCount } = await mailboxRepository.page(db, q);
      const items = rows.map((r) => ({
        id: r.id,
        messageId: r.message_id,
        channel: r.channel,
        from: r.sender,
        to: r.recipient,
        subject: r.subject,
        html: r.html,
        text: r.text,
        headers: (r.headers ?? {}) as Record<string, string>,
        attachments: (r.attachments ?? []) as KeptAttachment[],
        receivedAt: r.received_at.toISOString(),
      }));
      return pageResult(items, q.page, q.pageSize, totalCount);
    },
  );
}
