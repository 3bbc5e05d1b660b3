import { pageResult, type Page } from '@mercato/platform/http';
import { permissionsOf, ROLES } from '@mercato/platform/auth';
import { checkVersion, requireVersion, type ExpectedVersion } from '@mercato/platform/http';
import { type Tx } from '@mercato/platform/service';
import { accountEvent } from '../accounts/account-events.ts';
import { refreshTokenRepository as refreshTokens } from '../accounts/refresh-token-repository.ts';
import { isUuid } from '../accounts/secret-tokens.ts';
import { userRepository as users, type UserRow } from '../accounts/user-repository.ts';
import type { IdentityDB } from '../db.ts';
import { IdentityErrors } from '../errors.ts';
import type { IdentityContext } from '../identity-context.ts';
import { recordSecurityEvent } from '../security-events/security-event-repository.ts';
import { userAdminRepository as admin } from './user-admin-repository.ts';
import { toUser, type Profile, type User, type UserQuery } from './user.ts';

/** The admin user API (roles, status) and the caller's own profile. */
export interface UserAdminService {
  list(q: UserQuery): Promise<Page<User>>;
  get(id: string): Promise<User>;
  /** Replaces the roles; If-Match required; the last active admin keeps the admin role. */
  setRoles(id: string, roles: string[], expected: ExpectedVersion, actor: string): Promise<User>;
  /** Disables sign-in and revokes the refresh tokens; never the last active admin. */
  disable(id: string, expected: ExpectedVersion, actor: string): Promise<User>;
  enable(id: string, expected: ExpectedVersion, actor: string): Promise<User>;
  profile(userId: string): Promise<Profile>;
}

/** Known roles only, each once, in the canonical order of ROLES. */
function canonicalRoles(roles: string[]): string[] {
  const unknown = roles
    .map((role, i) => ({ role, i }))
    .filter(({ role }) => !(ROLES as readonly string[]).includes(role));
  if (unknown.length > 0) {
    throw IdentityErrors.IDENTITY_ROLE_UNKNOWN(`unknown role ${unknown.map((u) => u.role).join(', ')}`, {
      errors: unknown.map(({ i }) => ({
        path: `/body/roles/${i}`,
        message: `must be one of ${ROLES.join(', ')}`,
      })),
    });
  }
  return ROLES.filter((r) => roles.includes(r));
}

const isActiveAdmin = (u: UserRow) => u.status === 'active' && u.roles.includes('admin');

export function createUserAdminService(identity: IdentityContext): UserAdminService {
  const { database, outbox } = identity.ctx;

  async function load(
    db: Tx<IdentityDB> | typeof database.db,
    id: string,
    forUpdate = false,
  ): Promise<UserRow> {
    const user = isUuid(id) ? await users.findById(db, id, { forUpdate }) : undefined;
    if (!user) throw IdentityErrors.IDENTITY_USER_NOT_FOUND(`no user ${id}`);
    return user;
  }

  /** Locks the active admins, then the target (one order everywhere: no deadlock). */
  async function lockForAdminChange(trx: Tx<IdentityDB>, id: string) {
    const admins = await admin.lockActiveAdmins(trx);
    return { admins, user: await load(trx, id, true) };
  }

  function lastAdminGuard(user: UserRow, admins: string[], what: string): void {
    if (isActiveAdmin(user) && admins.length <= 1) {
      throw IdentityErrors.IDENTITY_LAST_ADMIN(`${what} would leave no active admin`);
    }
  }

  return {
    async list(q) {
      const { rows, totalCount } = await admin.list(database.db, q);
      const now = new Date();
      return pageResult(
        rows.map((r) => toUser(r, now)),
        q.page,
        q.pageSize,
        totalCount,
      );
    },

    async get(id) {
      return toUser(await load(database.db, id));
    },

    async setRoles(id, requested, expected, actor) {
      const roles = canonicalRoles(requested);
      const updated = await database.transaction(async (trx) => {
        const { admins, user } = await lockForAdminChange(trx, id);
        requireVersion(expected, user.version);
        if (!roles.includes('admin')) lastAdminGuard(user, admins, 'removing the admin role');
        if (roles.join() === user.roles.join()) return user;
        const next = await admin.setRoles(trx, id, roles);
        await recordSecurityEvent(trx, {
          userId: id,
          type: 'roles_changed',
          detail: { roles, previousRoles: user.roles, changedBy: actor },
        });
        await outbox.add(
          trx,
          accountEvent('user.roles_changed', {
            userId: id,
            roles,
            previousRoles: user.roles,
            changedBy: actor,
            version: next.version,
          }),
        );
        return next;
      });
      return toUser(updated);
    },

    async disable(id, expected, actor) {
      const updated = await database.transaction(async (trx) => {
        const { admins, user } = await lockForAdminChange(trx, id);
        checkVersion(expected, user.version);
        if (user.status === 'disabled') return user;
        lastAdminGuard(user, admins, 'disabling this user');
        const next = await admin.setStatus(trx, id, 'disabled');
        const revoked = await refreshTokens.revokeForUser(trx, id);
        await recordSecurityEvent(trx, {
          userId: id,
          type: 'user_disabled',
          detail: { changedBy: actor, revoked },
        });
        await outbox.add(
          trx,
          accountEvent('user.disabled', { userId: id, changedBy: actor, version: next.version }),
        );
        return next;
      });
      return toUser(updated);
    },

    async enable(id, expected, actor) {
      const updated = await database.transaction(async (trx) => {
        const user = await load(trx, id, true);
        checkVersion(expected, user.version);
        if (user.status === 'active') return user;
        const next = await admin.setStatus(trx, id, 'active');
        await recordSecurityEvent(trx, { userId: id, type: 'user_enabled', detail: { changedBy: actor } });
        await outbox.add(
          trx,
          accountEvent('user.enabled', { userId: id, changedBy: actor, version: next.version }),
        );
        return next;
      });
      return toUser(updated);
    },

    async profile(userId) {
      const user = await load(database.db, userId);
      return {
        id: user.id,
        email: user.email,
        roles: user.roles,
        permissions: permissionsOf(user.roles),
        emailVerified: user.email_verified_at !== null,
        mfaEnabled: user.mfa_enabled_at !== null,
      };
    },
  };
}
