import { newId } from '@mercato/platform/ids';
import { type Worker } from '@mercato/platform/service';
import { randomBytes } from 'node:crypto';
import { accountEvent } from '../accounts/account-events.ts';
import { normalizeEmail } from '../accounts/secret-tokens.ts';
import { userRepository as users } from '../accounts/user-repository.ts';
import type { IdentityContext } from '../identity-context.ts';
import { passwordHasherFor } from '../passwords/password-hasher.ts';
import { passwordProblems } from '../passwords/password-policy.ts';
import { recordSecurityEvent } from '../security-events/security-event-repository.ts';
import { userAdminRepository as admin } from './user-admin-repository.ts';

/** The first admin of an embedded installation (when BOOTSTRAP_ADMIN_EMAIL is not set). */
export const EMBEDDED_ADMIN_EMAIL = 'admin@mercato.local';

/** What a bootstrap did: nothing (an admin exists), created one, or could not. */
export type BootstrapOutcome = 'admin_exists' | 'created' | 'not_configured' | 'refused';

/**
 * Makes sure an active admin exists. With BOOTSTRAP_ADMIN_EMAIL/PASSWORD set (any mode)
 * that account is created; otherwise, in embedded mode only, `admin@mercato.local` with a
 * random password that is printed once (`print`, stdout by default — never the logger).
 * In distributed mode without the variables it logs a warning. Idempotent: once any
 * active admin exists it does nothing, and never promotes an existing account.
 */
export async function ensureBootstrapAdmin(
  identity: IdentityContext,
  print: (text: string) => void = (text) => process.stdout.write(text),
): Promise<BootstrapOutcome> {
  const { ctx, config } = identity;
  const { database, outbox, logger } = ctx;
  if (await admin.hasActiveAdmin(database.db)) return 'admin_exists';

  const fromEnv = config.BOOTSTRAP_ADMIN_EMAIL && config.BOOTSTRAP_ADMIN_PASSWORD;
  if (!fromEnv && ctx.mode !== 'embedded') {
    logger.warn(
      'no active admin exists: set BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD to create the first one',
    );
    return 'not_configured';
  }
  const email = normalizeEmail(config.BOOTSTRAP_ADMIN_EMAIL ?? EMBEDDED_ADMIN_EMAIL);
  const generated = fromEnv ? undefined : randomBytes(18).toString('base64url');
  const password = config.BOOTSTRAP_ADMIN_PASSWORD ?? generated ?? '';
  const problems = passwordProblems(password, email, config.PASSWORD_MIN_LENGTH);
  if (problems.length > 0) {
    logger.error({ problems }, 'BOOTSTRAP_ADMIN_PASSWORD breaks the password rules: no admin was created');
    return 'refused';
  }
  const passwordHash = await passwordHasherFor(config).hash(password);

  const outcome = await database.transaction(async (trx): Promise<BootstrapOutcome | { id: string }> => {
    await admin.lockBootstrap(trx, database.schema);
    if (await admin.hasActiveAdmin(trx)) return 'admin_exists';
    const user = await users.insert(trx, {
      id: newId(),
      email,
      passwordHash,
      roles: ['admin'],
      verified: true,
    });
    // Someone registered this email already: making that account admin would hand the
    // installation to whoever did, so an operator has to act instead.
    if (!user) return 'refused';
    await recordSecurityEvent(trx, {
      userId: user.id,
      type: 'bootstrap_admin_created',
      detail: { mode: ctx.mode },
    });
    await outbox.add(trx, accountEvent('user.registered', { userId: user.id, email }));
    return { id: user.id };
  });
  if (outcome === 'refused') {
    logger.error('the bootstrap admin email belongs to an existing non-admin account: no admin was created');
    return outcome;
  }
  if (typeof outcome === 'string') return outcome;
  logger.info({ userId: outcome.id, mode: ctx.mode }, 'bootstrap admin created');
  if (generated) {
    print(
      [
        '',
        '  Mercato admin account created (shown once, not stored anywhere):',
        `    email:    ${email}`,
        `    password: ${generated}`,
        '  Sign in and change this password now (POST /api/v1/auth/password/change).',
        '',
        '',
      ].join('\n'),
    );
  }
  return 'created';
}

/**
 * Creates the first admin when identity starts: from BOOTSTRAP_ADMIN_* in any mode, else
 * (distributed) warns. Embedded mode without the variables is left to the seed, which
 * prints the generated password (a start with MERCATO_SEED=false invents no admin).
 */
export function bootstrapAdminWorker(ctx: IdentityContext): Worker {
  return {
    name: 'bootstrap-admin',
    async start() {
      const fromEnv = ctx.config.BOOTSTRAP_ADMIN_EMAIL && ctx.config.BOOTSTRAP_ADMIN_PASSWORD;
      if (ctx.ctx.mode === 'embedded' && !fromEnv) return;
      // A database hiccup must not keep identity from starting; the next start retries.
      await ensureBootstrapAdmin(ctx).catch((err: unknown) => {
        ctx.ctx.logger.error({ err }, 'could not create the bootstrap admin');
      });
    },
    stop() {},
  };
}
