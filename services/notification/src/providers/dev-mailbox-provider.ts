import type { Database } from '@mercato/platform/db';
import { jsonb } from '@mercato/platform/db';
import { newId } from '@mercato/platform/ids';
import type { Channel, NotificationDB } from '../db.ts';
import type { ChannelProvider, OutgoingMessage } from './provider.ts';

/**
 * The development provider of a channel: instead of leaving the building, the message is
 * kept in the dev_mailbox table, where an admin reads it (GET /api/v1/notifications/dev-mailbox).
 * Embedded mode uses it for email unless SMTP_URL is set, and for SMS and push unless their
 * webhook is configured.
 */
export function createDevMailboxProvider(
  database: Database<NotificationDB>,
  channel: Channel,
  sender: string,
): ChannelProvider {
  return {
    channel,
    name: 'dev-mailbox',
    async send(m: OutgoingMessage) {
      const id = newId();
      await database.db
        .insertInto('dev_mailbox')
        .values({
          id,
          message_id: m.id,
          channel,
          sender,
          recipient: m.to,
          subject: m.subject,
          html: m.html,
          text: m.text,
          headers: jsonb(m.headers),
          attachments: jsonb(
            (m.attachments ?? []).map((a) => ({
              filename: a.filename,
              contentType: a.contentType,
              size: a.content.byteLength,
            })),
          ),
        })
        .execute();
      return { providerMessageId: id, response: 'stored in the development mailbox' };
    },
  };
}
