import type { Kysely, Selectable } from '@mercato/platform/db';
import type { Channel, NotificationDB, QuietHoursTable } from '../db.ts';

export type QuietHoursRow = Selectable<QuietHoursTable>;

export const preferenceRepository = {
  async marketing(db: Kysely<NotificationDB>, userId: string): Promise<Record<Channel, boolean>> {
    const rows = await db
      .selectFrom('preferences')
      .select(['channel', 'enabled'])
      .where('user_id', '=', userId)
      .where('category', '=', 'marketing')
      .execute();
    const out: Record<Channel, boolean> = { email: false, sms: false, push: false };
    for (const r of rows) out[r.channel] = r.enabled;
    return out;
  },

  async setMarketing(
    db: Kysely<NotificationDB>,
    userId: string,
    channel: Channel,
    enabled: boolean,
  ): Promise<void> {
    await db
      .insertInto('preferences')
      .values({ user_id: userId, category: 'marketing', channel, enabled, updated_at: new Date() })
      .onConflict((oc) =>
        oc.columns(['user_id', 'category', 'channel']).doUpdateSet({ enabled, updated_at: new Date() }),
      )
      .execute();
  },

  quietHours(db: Kysely<NotificationDB>, userId: string): Promise<QuietHoursRow | undefined> {
    return db.selectFrom('quiet_hours').selectAll().where('user_id', '=', userId).executeTakeFirst();
  },

  async setQuietHours(
    db: Kysely<NotificationDB>,
    userId: string,
    q: { startMinute: number; endMinute: number; timeZone: string } | null,
  ): Promise<void> {
    if (!q) {
      await db.deleteFrom('quiet_hours').where('user_id', '=', userId).execute();
      return;
    }
    const row = {
      start_minute: q.startMinute,
      end_minute: q.endMinute,
      time_zone: q.timeZone,
      updated_at: new Date(),
    };
    await db
      .insertInto('quiet_hours')
      .values({ user_id: userId, ...row })
      .onConflict((oc) => oc.column('user_id').doUpdateSet(row))
      .execute();
  },
};
