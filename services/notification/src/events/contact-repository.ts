import type { Kysely, Selectable } from '@mercato/platform/db';
import type { ContactsTable, NotificationDB } from '../db.ts';

export type ContactRow = Selectable<ContactsTable>;

/** The local snapshot of accounts (identity's events): where to write to, by whom. */
export const contactRepository = {
  async upsert(
    db: Kysely<NotificationDB>,
    c: { userId: string; email: string; name?: string },
  ): Promise<void> {
    const now = new Date();
    await db
      .insertInto('contacts')
      .values({ user_id: c.userId, email: c.email, name: c.name ?? null, updated_at: now })
      .onConflict((oc) =>
        oc.column('user_id').doUpdateSet((eb) => ({
          email: eb.ref('excluded.email'),
          // A later event without the name keeps the one registration gave.
          name: eb.fn.coalesce(eb.ref('excluded.name'), eb.ref('contacts.name')),
          updated_at: now,
        })),
      )
      .execute();
  },

  find(db: Kysely<NotificationDB>, userId: string): Promise<ContactRow | undefined> {
    return db.selectFrom('contacts').selectAll().where('user_id', '=', userId).executeTakeFirst();
  },
};
