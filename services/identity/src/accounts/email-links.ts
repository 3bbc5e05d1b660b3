import type { Kysely } from '@mercato/platform/db';
import { newId } from '@mercato/platform/ids';
import type { EmailTokensTable, IdentityDB } from '../db.ts';
import { IdentityErrors } from '../errors.ts';
import type { IdentityContext } from '../identity-context.ts';
import { emailTokenRepository } from './email-token-repository.ts';
import { newSecretToken, sha256 } from './secret-tokens.ts';

type Purpose = EmailTokensTable['purpose'];

// The storefront serves these pages and posts the token back to identity.
const PAGES: Record<Purpose, string> = {
  verify_email: '/verify-email',
  reset_password: '/reset-password',
};

/** A link to send by email: the only place its token ever appears. */
export interface EmailLink {
  url: string;
  expiresAt: Date;
}

/**
 * Creates a single-use link for the user (older unused links of the purpose stop working)
 * in the caller's transaction: `${IDENTITY_ISSUER}/verify-email?token=…` or `/reset-password?token=…`.
 */
export async function issueEmailLink(
  identity: IdentityContext,
  trx: Kysely<IdentityDB>,
  userId: string,
  purpose: Purpose,
): Promise<EmailLink> {
  const token = newSecretToken();
  const expiresAt = new Date(Date.now() + identity.config.EMAIL_TOKEN_TTL_SECONDS * 1000);
  await emailTokenRepository.invalidate(trx, userId, purpose);
  await emailTokenRepository.insert(trx, {
    id: newId(),
    userId,
    purpose,
    tokenHash: sha256(token),
    expiresAt,
  });
  const base = identity.config.IDENTITY_ISSUER.replace(/\/+$/, '');
  return { url: `${base}${PAGES[purpose]}?token=${encodeURIComponent(token)}`, expiresAt };
}

/** Uses a link's token in the caller's transaction; unknown, used or expired → 400 IDENTITY_TOKEN_INVALID. */
export async function consumeEmailToken(
  trx: Kysely<IdentityDB>,
  token: string,
  purpose: Purpose,
): Promise<string> {
  const userId = await emailTokenRepository.consume(trx, sha256(token), purpose);
  if (!userId) throw IdentityErrors.IDENTITY_TOKEN_INVALID();
  return userId;
}

/** The user of a usable link without using it (to check a new password before the change). */
export async function peekEmailToken(
  db: Kysely<IdentityDB>,
  token: string,
  purpose: Purpose,
): Promise<string> {
  const userId = await emailTokenRepository.peek(db, sha256(token), purpose);
  if (!userId) throw IdentityErrors.IDENTITY_TOKEN_INVALID();
  return userId;
}
