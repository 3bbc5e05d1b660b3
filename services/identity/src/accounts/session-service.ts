import { AppError } from '@mercato/platform/errors';
import { IdentityErrors } from '../errors.ts';
import type { IdentityContext } from '../identity-context.ts';
import { verifySecondFactor } from '../mfa/second-factor.ts';
import { createCredentialChecker, lockedError } from './credential-check.ts';
import { recordSignInDevice } from './known-devices.ts';
import { refreshTokenRepository as refreshTokens } from './refresh-token-repository.ts';
import type { LoginResult, SessionPort, SignInFrom, TokenSet } from './session-port.ts';
import { createTokenSessions, type PendingSession } from './token-sessions.ts';
import { userRepository as users } from './user-repository.ts';

/** Sign-in for the REST routes: the OAuth SessionPort plus the MFA step and sign-out. */
export interface SessionService extends SessionPort {
  /** Second step of a sign-in with MFA: the MFA token of step one and a TOTP or recovery code. */
  completeMfa(input: {
    mfaToken: string;
    code: string;
    clientId?: string;
    scope?: string;
    device?: SignInFrom;
  }): Promise<TokenSet>;
  /** Signs out one session: revokes the token's family (unknown tokens are ignored). */
  logout(refreshToken: string): Promise<void>;
  /** Signs out everywhere: revokes every refresh token of the user. */
  logoutAll(userId: string): Promise<void>;
}

/**
 * The sign-in use cases (also what the OAuth token endpoint's password and refresh_token
 * grants call, so both doors share lockout, MFA and rotation).
 */
export function createSessionService(identity: IdentityContext): SessionService {
  const { database, metrics, outbox } = identity.ctx;
  const credentials = createCredentialChecker(identity);
  const sessions = createTokenSessions(identity);
  const signIns = metrics.counter({
    name: 'sign_ins_total',
    help: 'Sign-in steps (password, MFA code) by outcome: ok, mfa_required, failed (refused), locked, error',
    labelNames: ['step', 'outcome'],
  });

  /** Counts a sign-in step's outcome, from its answer or its refusal. */
  async function counted<T>(
    step: 'password' | 'mfa',
    run: () => Promise<T>,
    ok: (r: T) => string,
  ): Promise<T> {
    try {
      const result = await run();
      signIns.inc({ step, outcome: ok(result) });
      return result;
    } catch (err) {
      const outcome = !(err instanceof AppError)
        ? 'error'
        : err.code === 'IDENTITY_ACCOUNT_LOCKED'
          ? 'locked'
          : 'failed';
      signIns.inc({ step, outcome });
      throw err;
    }
  }

  /** A device seen with a sign-in, in its transaction (a new one publishes user.new_device_signed_in). */
  async function seen(
    trx: Parameters<typeof sessions.open>[0],
    user: Parameters<typeof sessions.open>[1],
    device: SignInFrom | undefined,
  ): Promise<void> {
    if (device) await recordSignInDevice(trx, outbox, user, device, new Date(identity.ctx.now()));
  }

  async function start(
    user: Parameters<typeof sessions.open>[1],
    opts: { clientId?: string; scope?: string; device?: SignInFrom },
  ): Promise<TokenSet> {
    const pending = await database.transaction(async (trx) => {
      await seen(trx, user, opts.device);
      return sessions.open(trx, user, {
        scope: opts.scope ?? '',
        ...(opts.clientId ? { clientId: opts.clientId } : {}),
      });
    });
    return sessions.finish(pending);
  }

  async function completeMfa(input: Parameters<SessionService['completeMfa']>[0]): Promise<TokenSet> {
    let userId: string;
    try {
      userId = await identity.tokens.verifyMfa(input.mfaToken);
    } catch {
      throw IdentityErrors.IDENTITY_MFA_TOKEN_INVALID();
    }
    const user = await users.findById(database.db, userId);
    if (!user?.mfa_enabled_at) throw IdentityErrors.IDENTITY_MFA_TOKEN_INVALID();
    credentials.assertNotLocked(user);
    if (user.status !== 'active') throw IdentityErrors.IDENTITY_ACCOUNT_DISABLED();
    const pending = await database.transaction(async (trx): Promise<PendingSession | undefined> => {
      if (!(await verifySecondFactor(trx, user, input.code))) return undefined;
      await seen(trx, user, input.device);
      return sessions.open(trx, user, {
        scope: input.scope ?? '',
        ...(input.clientId ? { clientId: input.clientId } : {}),
      });
    });
    if (!pending) {
      // Wrong codes count like wrong passwords: guessing 6 digits must hit the lockout too.
      const lockedUntil = await credentials.recordFailure(user.id);
      if (lockedUntil) throw lockedError(Math.ceil((lockedUntil.getTime() - identity.ctx.now()) / 1000));
      throw IdentityErrors.IDENTITY_MFA_CODE_INVALID();
    }
    await credentials.clearFailures(user);
    return sessions.finish(pending);
  }

  return {
    passwordLogin: (input) =>
      counted(
        'password',
        async (): Promise<LoginResult> => {
          const user = await credentials.check(input.email, input.password);
          if (user.mfa_enabled_at) {
            return { kind: 'mfa_required', mfaToken: await identity.tokens.signMfa(user.id) };
          }
          return { kind: 'tokens', tokens: await start(user, input) };
        },
        (r) => (r.kind === 'tokens' ? 'ok' : 'mfa_required'),
      ),

    completeMfa: (input) =>
      counted(
        'mfa',
        () => completeMfa(input),
        () => 'ok',
      ),

    refresh: (refreshToken, opts) => sessions.rotate(refreshToken, opts?.clientId),
    revokeRefreshToken: (refreshToken) => sessions.revokeFamilyOf(refreshToken),
    logout: (refreshToken) => sessions.revokeFamilyOf(refreshToken),

    async logoutAll(userId) {
      await database.transaction((trx) => refreshTokens.revokeForUser(trx, userId));
    },
  };
}
