import type { Kysely, Selectable } from '@mercato/platform/db';
import type { NotificationDB, TemplatesTable } from '../db.ts';
import type { TemplateParts } from './template-engine.ts';

export type TemplateRow = Selectable<TemplatesTable>;

export const templateRepository = {
  find(db: Kysely<NotificationDB>, type: string, locales: readonly string[]): Promise<TemplateRow[]> {
    return db
      .selectFrom('templates')
      .selectAll()
      .where('type', '=', type)
      .where('locale', 'in', locales)
      .execute();
  },

  list(db: Kysely<NotificationDB>): Promise<TemplateRow[]> {
    return db.selectFrom('templates').selectAll().orderBy('type').orderBy('locale').execute();
  },

  /** Creates or replaces; `expected` (a version) makes it conditional. Undefined when the version did not match. */
  async save(
    db: Kysely<NotificationDB>,
    type: string,
    locale: string,
    parts: TemplateParts,
    actor: string | null,
    expected?: number,
  ): Promise<TemplateRow | undefined> {
    const now = new Date();
    if (expected === 0) {
      return db
        .insertInto('templates')
        .values({ type, locale, ...parts, updated_by: actor, updated_at: now })
        .onConflict((oc) => oc.columns(['type', 'locale']).doNothing())
        .returningAll()
        .executeTakeFirst();
    }
    if (expected !== undefined) {
      return db
        .updateTable('templates')
        .set((eb) => ({ ...parts, updated_by: actor, updated_at: now, version: eb('version', '+', 1) }))
        .where('type', '=', type)
        .where('locale', '=', locale)
        .where('version', '=', expected)
        .returningAll()
        .executeTakeFirst();
    }
    return db
      .insertInto('templates')
      .values({ type, locale, ...parts, updated_by: actor, updated_at: now })
      .onConflict((oc) =>
        oc.columns(['type', 'locale']).doUpdateSet((eb) => ({
          subject: eb.ref('excluded.subject'),
          html: eb.ref('excluded.html'),
          text: eb.ref('excluded.text'),
          updated_by: eb.ref('excluded.updated_by'),
          updated_at: eb.ref('excluded.updated_at'),
          version: eb('templates.version', '+', 1),
        })),
      )
      .returningAll()
      .executeTakeFirst();
  },

  /** Inserts a shipped default where no row exists (the seed). */
  async insertMissing(
    db: Kysely<NotificationDB>,
    type: string,
    locale: string,
    parts: TemplateParts,
  ): Promise<void> {
    await db
      .insertInto('templates')
      .values({ type, locale, ...parts, updated_by: null })
      .onConflict((oc) => oc.columns(['type', 'locale']).doNothing())
      .execute();
  },
};
