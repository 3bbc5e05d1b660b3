import { Type, type Static } from 'typebox';

// Identity's events. Data objects stay open (additionalProperties) so optional fields can
// be added compatibly (ARCHITECTURE.md §6). None carries a password, hash, refresh or access
// token, TOTP secret or recovery code; the two "…_requested" events carry their single-use
// link by design: the notification service delivers it by email.

const UserId = Type.String({ format: 'uuid', description: 'the user (also the envelope subject)' });
const Email = Type.String({ description: 'normalized (trimmed, lower-case) email address' });
const Actor = Type.Union([Type.String(), Type.Null()], {
  description: 'subject of the admin who made the change; null for the system',
});
const AccountVersion = Type.Optional(
  Type.Integer({
    minimum: 1,
    description:
      'the account version after the change; access tokens carrying an older one (claim uver) are revoked',
  }),
);

/** `user.registered` v1: an account was created (subject = user id). */
export const UserRegisteredV1 = Type.Object(
  {
    userId: UserId,
    email: Email,
    name: Type.Optional(Type.String({ description: 'display name given at registration' })),
  },
  { $id: 'UserRegisteredV1' },
);
export type UserRegisteredV1 = Static<typeof UserRegisteredV1>;

/** `identity.verification_requested` v1: send the email-verification link. */
export const VerificationRequestedV1 = Type.Object(
  {
    userId: UserId,
    email: Email,
    verificationUrl: Type.String({ description: 'link with a single-use token; deliver, never log' }),
    expiresAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'VerificationRequestedV1' },
);
export type VerificationRequestedV1 = Static<typeof VerificationRequestedV1>;

/** `user.verified` v1: the user proved they own the email address. */
export const UserVerifiedV1 = Type.Object({ userId: UserId, email: Email }, { $id: 'UserVerifiedV1' });
export type UserVerifiedV1 = Static<typeof UserVerifiedV1>;

/** `identity.password_reset_requested` v1: send the password-reset link. */
export const PasswordResetRequestedV1 = Type.Object(
  {
    userId: UserId,
    email: Email,
    resetUrl: Type.String({ description: 'link with a single-use token; deliver, never log' }),
    expiresAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'PasswordResetRequestedV1' },
);
export type PasswordResetRequestedV1 = Static<typeof PasswordResetRequestedV1>;

/** `user.password_changed` v1: the password was reset by link or changed by the user. */
export const PasswordChangedV1 = Type.Object(
  {
    userId: UserId,
    email: Email,
    reason: Type.Union([Type.Literal('reset'), Type.Literal('change')]),
  },
  { $id: 'PasswordChangedV1' },
);
export type PasswordChangedV1 = Static<typeof PasswordChangedV1>;

/** `user.new_device_signed_in` v1: a sign-in from a device the account had not signed in from before. */
export const NewDeviceSignedInV1 = Type.Object(
  {
    userId: UserId,
    email: Email,
    userAgent: Type.String({ description: "the browser's User-Agent, as sent (at most 500 characters)" }),
    ipAddress: Type.Union([Type.String(), Type.Null()], {
      description: 'the client address the request came from',
    }),
    signedInAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'NewDeviceSignedInV1' },
);
export type NewDeviceSignedInV1 = Static<typeof NewDeviceSignedInV1>;

/** `user.locked` v1: repeated failed sign-ins locked the account (once per lock). */
export const UserLockedV1 = Type.Object(
  { userId: UserId, lockedUntil: Type.String({ format: 'date-time' }) },
  { $id: 'UserLockedV1' },
);
export type UserLockedV1 = Static<typeof UserLockedV1>;

/** `user.roles_changed` v1: an admin changed the user's roles. */
export const UserRolesChangedV1 = Type.Object(
  {
    userId: UserId,
    roles: Type.Array(Type.String()),
    previousRoles: Type.Array(Type.String()),
    changedBy: Actor,
    version: AccountVersion,
  },
  { $id: 'UserRolesChangedV1' },
);
export type UserRolesChangedV1 = Static<typeof UserRolesChangedV1>;

/** `user.disabled` v1 / `user.enabled` v1: an admin disabled or re-enabled the account. */
export const UserStatusChangedV1 = Type.Object(
  { userId: UserId, changedBy: Actor, version: AccountVersion },
  { $id: 'UserStatusChangedV1' },
);
export type UserStatusChangedV1 = Static<typeof UserStatusChangedV1>;

/** `user.mfa_enabled` v1 / `user.mfa_disabled` v1: two-factor sign-in was switched on or off. */
export const UserMfaChangedV1 = Type.Object(
  { userId: UserId, method: Type.Literal('totp') },
  { $id: 'UserMfaChangedV1' },
);
export type UserMfaChangedV1 = Static<typeof UserMfaChangedV1>;
