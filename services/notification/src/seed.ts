import type { ServiceContext } from '@mercato/platform/service';
import type { NotificationDB } from './db.ts';
import { defaultTemplates } from './templates/defaults.ts';
import { NOTIFICATION_TYPES } from './templates/notification-types.ts';
import { templateRepository } from './templates/template-repository.ts';

/** Copies the shipped templates into the database where none is stored (an admin's edits stay). */
export async function seedNotification(ctx: ServiceContext<NotificationDB>): Promise<void> {
  await ctx.database.transaction(async (trx) => {
    for (const type of NOTIFICATION_TYPES) {
      for (const [locale, parts] of Object.entries(defaultTemplates[type])) {
        await templateRepository.insertMissing(trx, type, locale, parts);
      }
    }
  });
}
