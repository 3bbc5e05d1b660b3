import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Channel } from '../db.ts';

/** What an unsubscribe link switches off: one account's marketing on one channel. */
export interface UnsubscribeClaim {
  userId: string;
  channel: Channel;
}

const CHANNELS = new Set<string>(['email', 'sms', 'push']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function mac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(`unsubscribe:${payload}`).digest();
}

/**
 * A token for an unsubscribe link: `<userId>.<channel>.<HMAC-SHA256, base64url>`. It does not
 * expire (a link in an old email must keep working) and says nothing secret; only the holder
 * of the service's signing secret can make one.
 */
export function signUnsubscribe(secret: string, claim: UnsubscribeClaim): string {
  const payload = `${claim.userId}.${claim.channel}`;
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

/** The claim of a valid token, or undefined (malformed, or not signed with this secret). */
export function verifyUnsubscribe(secret: string, token: string): UnsubscribeClaim | undefined {
  const [userId, channel, sig, ...rest] = token.split('.');
  if (rest.length > 0 || !userId || !channel || !sig) return undefined;
  if (!UUID.test(userId) || !CHANNELS.has(channel)) return undefined;
  const expected = mac(secret, `${userId}.${channel}`);
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return { userId, channel: channel as Channel };
}
