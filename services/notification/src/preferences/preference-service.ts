import type { Database } from '@mercato/platform/db';
import type { Channel, NotificationDB } from '../db.ts';
import { NotificationErrors } from '../errors.ts';
import { preferenceRepository as repo } from './preference-repository.ts';
import { isTimeZone } from './quiet-hours.ts';
import { verifyUnsubscribe } from './unsubscribe-token.ts';
import type { Preferences, PreferencesInput } from './preference.ts';

export interface PreferenceService {
  get(userId: string): Promise<Preferences>;
  update(userId: string, input: PreferencesInput): Promise<Preferences>;
  /** Switches marketing off for the token's account and channel (no sign-in needed). */
  unsubscribe(token: string): Promise<{ channel: Channel }>;
}

export function createPreferenceService(
  database: Database<NotificationDB>,
  secret: string,
): PreferenceService {
  async function get(userId: string): Promise<Preferences> {
    const [marketing, quiet] = await Promise.all([
      repo.marketing(database.db, userId),
      repo.quietHours(database.db, userId),
    ]);
    return {
      transactional: { email: true, sms: true, push: true },
      marketing,
      quietHours: quiet
        ? { start: clock(quiet.start_minute), end: clock(quiet.end_minute), timeZone: quiet.time_zone }
        : null,
    };
  }
  return {
    get,
    async update(userId, input) {
      if (input.quietHours && !isTimeZone(input.quietHours.timeZone)) {
        throw NotificationErrors.NOTIFICATION_TIME_ZONE_INVALID(
          `unknown time zone ${input.quietHours.timeZone}`,
          {
            errors: [
              { path: '/quietHours/timeZone', message: 'must be an IANA time zone such as Europe/Berlin' },
            ],
          },
        );
      }
      await database.transaction(async (trx) => {
        for (const [channel, enabled] of Object.entries(input.marketing ?? {}) as Array<[Channel, boolean]>) {
          await repo.setMarketing(trx, userId, channel, enabled);
        }
        if (input.quietHours !== undefined) {
          const q = input.quietHours;
          await repo.setQuietHours(
            trx,
            userId,
            q && { startMinute: minutes(q.start), endMinute: minutes(q.end), timeZone: q.timeZone },
          );
        }
      });
      return get(userId);
    },
    async unsubscribe(token) {
      const claim = verifyUnsubscribe(secret, token);
      if (!claim) throw NotificationErrors.NOTIFICATION_UNSUBSCRIBE_TOKEN_INVALID();
      await repo.setMarketing(database.db, claim.userId, claim.channel, false);
      return { channel: claim.channel };
    },
  };
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

function clock(min: number): string {
  return `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;
}
