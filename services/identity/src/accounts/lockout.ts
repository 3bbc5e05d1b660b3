import type { FailureState } from './user-repository.ts';

/** The lockout settings (LOCKOUT_* env). */
export interface LockoutPolicy {
  threshold: number;
  windowSeconds: number;
  durationSeconds: number;
}

/** Seconds until a lock ends, rounded up; 0 when there is no lock in force. */
export function lockRemainingSeconds(lockedUntil: Date | null, now: Date): number {
  if (!lockedUntil) return 0;
  const ms = lockedUntil.getTime() - now.getTime();
  return ms > 0 ? Math.ceil(ms / 1000) : 0;
}

/**
 * The state after one more failed sign-in: failures count within a window that opens at
 * the first failure; reaching the threshold locks the account for the lock duration and
 * starts a fresh count (so each lock is announced once).
 */
export function afterFailure(
  state: FailureState,
  now: Date,
  policy: LockoutPolicy,
): { state: FailureState; locked: boolean } {
  const windowOpen =
    state.firstFailedAt !== null &&
    now.getTime() - state.firstFailedAt.getTime() < policy.windowSeconds * 1000;
  const failedLogins = windowOpen ? state.failedLogins + 1 : 1;
  const firstFailedAt = windowOpen ? state.firstFailedAt : now;
  if (failedLogins >= policy.threshold) {
    return {
      state: {
        failedLogins: 0,
        firstFailedAt: null,
        lockedUntil: new Date(now.getTime() + policy.durationSeconds * 1000),
      },
      locked: true,
    };
  }
  return { state: { failedLogins, firstFailedAt, lockedUntil: null }, locked: false };
}
