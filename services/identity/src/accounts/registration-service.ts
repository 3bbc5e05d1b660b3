import { newId } from '@mercato/platform/ids';
import { IdentityErrors } from '../errors.ts';
import type { IdentityContext } from '../identity-context.ts';
import { passwordHasherFor } from '../passwords/password-hasher.ts';
import { assertPasswordAcceptable } from '../passwords/password-policy.ts';
import { accountEvent } from './account-events.ts';
import { consumeEmailToken, issueEmailLink } from './email-links.ts';
import { normalizeEmail } from './secret-tokens.ts';
import { userRepository as users } from './user-repository.ts';

/** What registration answers (never anything secret). */
export interface Registered {
  id: string;
  email: string;
  emailVerified: false;
}

/** Sign-up and email verification. */
export interface RegistrationService {
  register(input: { email: string; password: string; name?: string }): Promise<Registered>;
  verifyEmail(token: string): Promise<void>;
  /** Sends a new link to an unverified account; silent for unknown or verified emails. */
  resendVerification(email: string): Promise<void>;
}

export function createRegistrationService(identity: IdentityContext): RegistrationService {
  const { database, outbox } = identity.ctx;
  const hasher = passwordHasherFor(identity.config);

  return {
    async register(input) {
      const email = normalizeEmail(input.email);
      assertPasswordAcceptable(input.password, email, identity.config.PASSWORD_MIN_LENGTH);
      // Hashing is the slow part: done before the transaction so no connection waits on it.
      const passwordHash = await hasher.hash(input.password);
      const name = input.name?.trim();
      return database.transaction(async (trx) => {
        const user = await users.insert(trx, { id: newId(), email, passwordHash });
        if (!user) throw IdentityErrors.IDENTITY_EMAIL_TAKEN();
        const link = await issueEmailLink(identity, trx, user.id, 'verify_email');
        await outbox.addMany(trx, [
          accountEvent('user.registered', { userId: user.id, email, ...(name ? { name } : {}) }),
          accountEvent('identity.verification_requested', {
            userId: user.id,
            email,
            verificationUrl: link.url,
            expiresAt: link.expiresAt.toISOString(),
          }),
        ]);
        return { id: user.id, email, emailVerified: false as const };
      });
    },

    async verifyEmail(token) {
      await database.transaction(async (trx) => {
        const userId = await consumeEmailToken(trx, token, 'verify_email');
        const user = await users.findById(trx, userId, { forUpdate: true });
        if (!user) throw IdentityErrors.IDENTITY_TOKEN_INVALID();
        if (await users.markVerified(trx, userId)) {
          await outbox.add(trx, accountEvent('user.verified', { userId, email: user.email }));
        }
      });
    },

    async resendVerification(rawEmail) {
      const email = normalizeEmail(rawEmail);
      await database.transaction(async (trx) => {
        const user = await users.findByEmail(trx, email, { forUpdate: true });
        if (!user || user.email_verified_at || user.status !== 'active') return;
        const link = await issueEmailLink(identity, trx, user.id, 'verify_email');
        await outbox.add(
          trx,
          accountEvent('identity.verification_requested', {
            userId: user.id,
            email,
            verificationUrl: link.url,
            expiresAt: link.expiresAt.toISOString(),
          }),
        );
      });
    },
  };
}
