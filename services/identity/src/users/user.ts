import { Type, type Static } from 'typebox';
import type { UserRow } from '../accounts/user-repository.ts';

/** A user as the admin API shows it (no hash, no MFA secret, no failure counters). */
export const UserSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
  roles: Type.Array(Type.String()),
  tier: Type.Union([Type.Literal('authenticated'), Type.Literal('premium')]),
  emailVerified: Type.Boolean(),
  mfaEnabled: Type.Boolean(),
  lockedUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'set while sign-in is locked after repeated failures',
  }),
  version: Type.Integer({ minimum: 1, description: 'counts changes of roles and status (ETag, If-Match)' }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type User = Static<typeof UserSchema>;

/** The caller's own profile (GET /api/v1/auth/me). */
export const ProfileSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  roles: Type.Array(Type.String()),
  permissions: Type.Array(Type.String(), { description: 'granted by the roles' }),
  emailVerified: Type.Boolean(),
  mfaEnabled: Type.Boolean(),
});
export type Profile = Static<typeof ProfileSchema>;

/** The admin view of a users row. */
export function toUser(row: UserRow, now = new Date()): User {
  return {
    id: row.id,
    email: row.email,
    status: row.status,
    roles: row.roles,
    tier: row.tier,
    emailVerified: row.email_verified_at !== null,
    mfaEnabled: row.mfa_enabled_at !== null,
    lockedUntil: row.locked_until && row.locked_until > now ? row.locked_until.toISOString() : null,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Filters of GET /api/v1/users. */
export interface UserQuery {
  page: number;
  pageSize: number;
  search?: string;
  role?: string;
  status?: 'active' | 'disabled';
}
