import type { EventSubscription } from '@mercato/platform/messaging';
import type { CustomerDB } from '../db.ts';
import { jsonb } from '@mercato/platform/db';
import { POINTS_RATE_SETTING } from '../loyalty/loyalty-service.ts';
import type { ProfileService } from '../profiles/profile-service.ts';

/** identity's user.registered: every new account gets its profile (once; a replay changes nothing). */
export function identitySubscription(profiles: ProfileService): EventSubscription<CustomerDB> {
  return {
    name: 'identity-users',
    on: {
      'user.registered': (trx, { data }) => profiles.register(trx, data),
    },
  };
}

/** The shop settings this service follows, kept locally so a rule never waits on the settings service. */
const FOLLOWED_SETTINGS = new Set([POINTS_RATE_SETTING]);

export function settingsSubscription(): EventSubscription<CustomerDB> {
  return {
    name: 'shop-settings',
    on: {
      'setting.changed': async (trx, { data }) => {
        if (!FOLLOWED_SETTINGS.has(data.key)) return;
        if (data.action === 'deleted') {
          await trx.deleteFrom('shop_settings').where('key', '=', data.key).execute();
          return;
        }
        // Events of one key may arrive out of order: an older version never overwrites a newer one.
        await trx
          .insertInto('shop_settings')
          .values({ key: data.key, value: jsonb(data.value), version: data.version })
          .onConflict((oc) =>
            oc
              .column('key')
              .doUpdateSet({ value: jsonb(data.value), version: data.version })
              .where('shop_settings.version', '<', data.version),
          )
          .execute();
      },
    },
  };
}
