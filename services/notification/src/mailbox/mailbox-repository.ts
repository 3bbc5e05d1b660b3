import { fetchPage, type Kysely } from '@mercato/platform/db';
import type { Channel, NotificationDB } from '../db.ts';

export const mailboxRepository = {
  page(db: Kysely<NotificationDB>, f: { to?: string; channel?: Channel; page: number; pageSize: number }) {
    let q = db.selectFrom('dev_mailbox');
    if (f.to) q = q.where('recipient', '=', f.to.toLowerCase());
    if (f.channel) q = q.where('channel', '=', f.channel);
    return fetchPage(q, f, (s) => s.selectAll().orderBy('received_at', 'desc').orderBy('id', 'desc'));
  },
};
