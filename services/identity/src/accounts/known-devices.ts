import type { Kysely } from '@mercato/platform/db';
import type { Outbox } from '@mercato/platform/messaging';
import type { IdentityDB } from '../db.ts';
import { accountEvent } from './account-events.ts';
import { sha256 } from './secret-tokens.ts';
import type { UserRow } from './user-repository.ts';

/** Where a sign-in came from, as the request tells it. */
export interface SignInDevice {
  userAgent: string;
  ipAddress: string | null;
}

const MAX_USER_AGENT = 500;

/**
 * Records a successful sign-in's device (a hash of its User-Agent) in the sign-in's
 * transaction, and publishes user.new_device_signed_in when the account had signed in before
 * but never from this device. An account's first recorded sign-in (just registered, or older
 * than this table) teaches its device silently: there is nothing to compare it with.
 */
export async function recordSignInDevice(
  trx: Kysely<IdentityDB>,
  outbox: Outbox,
  user: Pick<UserRow, 'id' | 'email'>,
  device: SignInDevice,
  now: Date,
): Promise<'new' | 'known' | 'first'> {
  const userAgent = device.userAgent.trim().slice(0, MAX_USER_AGENT);
  const hash = sha256(userAgent);
  const seen = await trx
    .selectFrom('known_devices')
    .select('device_hash')
    .where('user_id', '=', user.id)
    .execute();
  await trx
    .insertInto('known_devices')
    .values({ user_id: user.id, device_hash: hash, user_agent: userAgent, last_seen_at: now })
    .onConflict((oc) => oc.columns(['user_id', 'device_hash']).doUpdateSet({ last_seen_at: now }))
    .execute();
  if (seen.some((d) => d.device_hash === hash)) return 'known';
  if (seen.length === 0) return 'first';
  await outbox.add(
    trx,
    accountEvent('user.new_device_signed_in', {
      userId: user.id,
      email: user.email,
      userAgent,
      ipAddress: device.ipAddress,
      signedInAt: now.toISOString(),
    }),
  );
  return 'new';
}
