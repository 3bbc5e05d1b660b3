import type { AppError } from '@mercato/platform/errors';
import { maskText } from '@mercato/platform/logging';
import { IdentityErrors } from '../errors.ts';
import type { IdentityContext } from '../identity-context.ts';
import { passwordHasherFor } from '../passwords/password-hasher.ts';
import { recordSecurityEvent } from '../security-events/security-event-repository.ts';
import { accountEvent } from './account-events.ts';
import { afterFailure, lockRemainingSeconds, type LockoutPolicy } from './lockout.ts';
import { normalizeEmail, sha256 } from './secret-tokens.ts';
import { userRepository as users, type FailureState, type UserRow } from './user-repository.ts';

/** Password checks with lockout (docs/adr/0003-login-lockout-and-enumeration.md). */
export interface CredentialChecker {
  /**
   * The user owning this email and password. Throws 423 while locked (whatever the
   * password), 401 for a wrong password or unknown email (the same answer), and — only
   * after a correct password — 403 when disabled or (if required) not yet verified.
   */
  check(email: string, password: string): Promise<UserRow>;
  /**
   * Re-authentication of a signed-in user (password change, MFA changes): the same lock
   * and failure count as sign-in, so a stolen access token cannot be used to guess the password.
   */
  confirmPassword(user: UserRow, password: string): Promise<void>;
  /** Counts a failed sign-in step (a wrong password or second factor); may lock the account. */
  recordFailure(userId: string): Promise<Date | undefined>;
  /** Throws 423 when the user is locked now. */
  assertNotLocked(user: UserRow): void;
  /** A successful sign-in: the failure count starts again. */
  clearFailures(user: UserRow): Promise<void>;
}

interface ShadowState {
  failedLogins: number;
  firstFailedAt: number | null;
  lockedUntil: number | null;
}

/** 423 with Retry-After in seconds. */
export function lockedError(seconds: number): AppError {
  return IdentityErrors.IDENTITY_ACCOUNT_LOCKED(`try again in ${seconds} s`, {
    headers: { 'retry-after': String(Math.max(1, seconds)) },
  });
}

export function createCredentialChecker(identity: IdentityContext): CredentialChecker {
  const { database, outbox, cache, logger } = identity.ctx;
  // Lock ends are decided here, on the service's clock (tests move it instead of sleeping).
  const now = () => new Date(identity.ctx.now());
  const { config } = identity;
  const hasher = passwordHasherFor(config);
  const policy: LockoutPolicy = {
    threshold: config.LOCKOUT_THRESHOLD,
    windowSeconds: config.LOCKOUT_WINDOW_SECONDS,
    durationSeconds: config.LOCKOUT_DURATION_SECONDS,
  };
  const shadowTtlMs = Math.max(policy.windowSeconds, policy.durationSeconds) * 1000;

  // Unknown emails get the same lockout, counted in the cache: otherwise "423 after N
  // tries" would tell which emails have accounts. A cache failure only loses the count.
  const shadowKey = (email: string) => `login-failures:${sha256(email)}`;

  async function readShadow(email: string): Promise<FailureState> {
    const stored = await cache.get<ShadowState>(shadowKey(email)).catch(() => undefined);
    return {
      failedLogins: stored?.failedLogins ?? 0,
      firstFailedAt: stored?.firstFailedAt ? new Date(stored.firstFailedAt) : null,
      lockedUntil: stored?.lockedUntil ? new Date(stored.lockedUntil) : null,
    };
  }

  // Failed sign-ins and locks at warn, for an operator watching for attacks: the user id
  // when there is one, else the email masked (its first letter and domain), never the password.
  const warnRefused = (fields: { userId?: string; email?: string }, reason: string, extra = {}) => {
    const { userId, email } = fields;
    logger.warn(
      { ...(userId ? { userId } : { account: maskText(email ?? '') }), reason, ...extra },
      'sign-in refused',
    );
  };

  async function shadowFailure(email: string, state: FailureState, at: Date): Promise<never> {
    const next = afterFailure(state, at, policy);
    const value: ShadowState = {
      failedLogins: next.state.failedLogins,
      firstFailedAt: next.state.firstFailedAt?.getTime() ?? null,
      lockedUntil: next.state.lockedUntil?.getTime() ?? null,
    };
    await cache.set(shadowKey(email), value, shadowTtlMs).catch((err: unknown) => {
      logger.warn({ err }, 'could not count a failed sign-in for an unknown email');
    });
    if (next.locked) {
      warnRefused({ email }, 'locked', { lockedForSeconds: policy.durationSeconds, knownAccount: false });
      throw lockedError(policy.durationSeconds);
    }
    warnRefused({ email }, 'unknown_email');
    throw IdentityErrors.IDENTITY_INVALID_CREDENTIALS();
  }

  async function recordFailure(userId: string): Promise<Date | undefined> {
    return database.transaction(async (trx) => {
      const user = await users.findById(trx, userId, { forUpdate: true });
      if (!user) return undefined;
      const at = now();
      // A concurrent attempt locked it meanwhile: this failure does not extend the lock.
      if (lockRemainingSeconds(user.locked_until, at) > 0) return user.locked_until ?? undefined;
      const next = afterFailure(
        {
          failedLogins: user.failed_logins,
          firstFailedAt: user.first_failed_at,
          lockedUntil: user.locked_until,
        },
        at,
        policy,
      );
      await users.saveFailures(trx, userId, next.state);
      if (!next.locked || !next.state.lockedUntil) return undefined;
      const lockedUntil = next.state.lockedUntil;
      await recordSecurityEvent(trx, {
        userId,
        type: 'account_locked',
        detail: { lockedUntil: lockedUntil.toISOString(), threshold: policy.threshold },
      });
      await outbox.add(trx, accountEvent('user.locked', { userId, lockedUntil: lockedUntil.toISOString() }));
      logger.warn(
        { userId, lockedUntil: lockedUntil.toISOString(), threshold: policy.threshold },
        'account locked after repeated failed sign-ins',
      );
      return lockedUntil;
    });
  }

  function assertNotLocked(user: UserRow): void {
    const remaining = lockRemainingSeconds(user.locked_until, now());
    if (remaining > 0) {
      warnRefused({ userId: user.id }, 'locked', { lockedForSeconds: remaining });
      throw lockedError(remaining);
    }
  }

  async function confirmPassword(user: UserRow, password: string): Promise<void> {
    assertNotLocked(user);
    if (await hasher.verify(user.password_hash, password)) return;
    warnRefused({ userId: user.id }, 'wrong_password', { step: 'confirm' });
    const lockedUntil = await recordFailure(user.id);
    if (lockedUntil) throw lockedError(lockRemainingSeconds(lockedUntil, now()));
    throw IdentityErrors.IDENTITY_INVALID_CREDENTIALS('the password is wrong');
  }

  return {
    confirmPassword,
    async check(rawEmail, password) {
      const email = normalizeEmail(rawEmail);
      const at = now();
      const user = await users.findByEmail(database.db, email);
      if (!user) {
        const shadow = await readShadow(email);
        const remaining = lockRemainingSeconds(shadow.lockedUntil, at);
        if (remaining > 0) {
          warnRefused({ email }, 'locked', { lockedForSeconds: remaining, knownAccount: false });
          throw lockedError(remaining);
        }
        await hasher.verifyDummy(password);
        return shadowFailure(email, shadow, at);
      }
      // Locked: 423 without looking at the password, so the lock cannot be used to test guesses.
      assertNotLocked(user);
      if (!(await hasher.verify(user.password_hash, password))) {
        warnRefused({ userId: user.id }, 'wrong_password');
        const lockedUntil = await recordFailure(user.id);
        if (lockedUntil) throw lockedError(lockRemainingSeconds(lockedUntil, now()));
        throw IdentityErrors.IDENTITY_INVALID_CREDENTIALS();
      }
      await users.clearFailures(database.db, user.id);
      if (user.status !== 'active') throw IdentityErrors.IDENTITY_ACCOUNT_DISABLED();
      if (config.REQUIRE_VERIFIED_EMAIL && !user.email_verified_at) {
        throw IdentityErrors.IDENTITY_EMAIL_NOT_VERIFIED(
          'verify your email address first; a new link can be requested',
        );
      }
      return user;
    },
    recordFailure,
    assertNotLocked,
    clearFailures: (user) => users.clearFailures(database.db, user.id),
  };
}
