import { accountEvent } from '../accounts/account-events.ts';
import { createCredentialChecker } from '../accounts/credential-check.ts';
import { consumeEmailToken, issueEmailLink, peekEmailToken } from '../accounts/email-links.ts';
import { refreshTokenRepository as refreshTokens } from '../accounts/refresh-token-repository.ts';
import { normalizeEmail } from '../accounts/secret-tokens.ts';
import { createTokenSessions } from '../accounts/token-sessions.ts';
import { userRepository as users } from '../accounts/user-repository.ts';
import { IdentityErrors } from '../errors.ts';
import type { IdentityContext } from '../identity-context.ts';
import { recordSecurityEvent } from '../security-events/security-event-repository.ts';
import { passwordHasherFor } from './password-hasher.ts';
import { assertPasswordAcceptable } from './password-policy.ts';

/** Forgotten-password links and password changes. */
export interface PasswordService {
  /** Sends a reset link to an existing account; silent for unknown emails (no enumeration). */
  forgot(email: string): Promise<void>;
  /** Sets a new password with a reset link's token; signs out every session. */
  reset(token: string, newPassword: string): Promise<void>;
  /**
   * Changes the password of a signed-in user, who proves it with the current one. Every
   * other session is signed out; the session of `keepRefreshToken` (when given) stays.
   */
  change(
    userId: string,
    input: { currentPassword: string; newPassword: string; keepRefreshToken?: string },
  ): Promise<void>;
  /**
   * Sets a new password for someone with shell access (`mercato reset-password`), without a
   * link or the current one: any lock is lifted and every session signed out, as a reset
   * link would. Works on disabled accounts too (enabling them stays an admin's decision).
   * Returns the user's id.
   */
  resetByOperator(email: string, newPassword: string): Promise<{ userId: string }>;
}

export function createPasswordService(identity: IdentityContext): PasswordService {
  const { database, outbox } = identity.ctx;
  const { config } = identity;
  const hasher = passwordHasherFor(config);
  const sessions = createTokenSessions(identity);
  const credentials = createCredentialChecker(identity);

  return {
    async forgot(rawEmail) {
      const email = normalizeEmail(rawEmail);
      await database.transaction(async (trx) => {
        const user = await users.findByEmail(trx, email, { forUpdate: true });
        // Disabled accounts get no link either: a reset must not be a way around an admin's decision.
        if (!user || user.status !== 'active') return;
        const link = await issueEmailLink(identity, trx, user.id, 'reset_password');
        await outbox.add(
          trx,
          accountEvent('identity.password_reset_requested', {
            userId: user.id,
            email,
            resetUrl: link.url,
            expiresAt: link.expiresAt.toISOString(),
          }),
        );
      });
    },

    async reset(token, newPassword) {
      // The rules need the email, and hashing is slow: both happen before the transaction,
      // which then uses the link atomically (a concurrent second use finds it used).
      const user = await users.findById(
        database.db,
        await peekEmailToken(database.db, token, 'reset_password'),
      );
      if (!user) throw IdentityErrors.IDENTITY_TOKEN_INVALID();
      assertPasswordAcceptable(newPassword, user.email, config.PASSWORD_MIN_LENGTH, '/body/newPassword');
      const passwordHash = await hasher.hash(newPassword);
      await database.transaction(async (trx) => {
        const userId = await consumeEmailToken(trx, token, 'reset_password');
        await users.setPassword(trx, userId, passwordHash);
        const revoked = await refreshTokens.revokeForUser(trx, userId);
        await recordSecurityEvent(trx, {
          userId,
          type: 'password_reset',
          detail: { revokedRefreshTokens: revoked },
        });
        await outbox.add(
          trx,
          accountEvent('user.password_changed', { userId, email: user.email, reason: 'reset' }),
        );
      });
    },

    async resetByOperator(rawEmail, newPassword) {
      const email = normalizeEmail(rawEmail);
      const user = await users.findByEmail(database.db, email);
      if (!user) throw IdentityErrors.IDENTITY_USER_NOT_FOUND(`no account with the email ${email}`);
      assertPasswordAcceptable(newPassword, user.email, config.PASSWORD_MIN_LENGTH, 'password');
      const passwordHash = await hasher.hash(newPassword);
      await database.transaction(async (trx) => {
        await users.setPassword(trx, user.id, passwordHash);
        const revoked = await refreshTokens.revokeForUser(trx, user.id);
        await recordSecurityEvent(trx, {
          userId: user.id,
          type: 'password_reset',
          detail: { by: 'operator', revokedRefreshTokens: revoked },
        });
        await outbox.add(
          trx,
          accountEvent('user.password_changed', { userId: user.id, email: user.email, reason: 'reset' }),
        );
      });
      return { userId: user.id };
    },

    async change(userId, input) {
      const user = await users.findById(database.db, userId);
      if (!user) throw IdentityErrors.IDENTITY_USER_NOT_FOUND();
      await credentials.confirmPassword(user, input.currentPassword);
      assertPasswordAcceptable(
        input.newPassword,
        user.email,
        config.PASSWORD_MIN_LENGTH,
        '/body/newPassword',
      );
      const passwordHash = await hasher.hash(input.newPassword);
      const keep = input.keepRefreshToken
        ? await sessions.liveFamilyOf(input.keepRefreshToken, userId)
        : undefined;
      await database.transaction(async (trx) => {
        await users.setPassword(trx, userId, passwordHash);
        const revoked = await refreshTokens.revokeForUser(trx, userId, keep);
        await recordSecurityEvent(trx, {
          userId,
          type: 'password_changed',
          detail: { revokedRefreshTokens: revoked, keptSession: keep !== undefined },
        });
        await outbox.add(
          trx,
          accountEvent('user.password_changed', { userId, email: user.email, reason: 'change' }),
        );
      });
    },
  };
}
