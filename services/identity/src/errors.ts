import { defineErrors } from '@mercato/platform/errors';

/** The identity service's error codes (listed in docs/errors.md). */
export const IdentityErrors = defineErrors({
  IDENTITY_USER_NOT_FOUND: { status: 404, title: 'User not found' },
  IDENTITY_EMAIL_TAKEN: { status: 409, title: 'An account with this email already exists' },
  IDENTITY_PASSWORD_TOO_WEAK: { status: 422, title: 'The password does not meet the password rules' },
  IDENTITY_INVALID_CREDENTIALS: { status: 401, title: 'Email or password is wrong' },
  IDENTITY_ACCOUNT_LOCKED: { status: 423, title: 'The account is locked after repeated failed sign-ins' },
  IDENTITY_EMAIL_NOT_VERIFIED: { status: 403, title: 'The email address is not verified yet' },
  IDENTITY_ACCOUNT_DISABLED: { status: 403, title: 'The account is disabled' },
  IDENTITY_TOKEN_INVALID: { status: 400, title: 'The link is invalid, used or expired' },
  IDENTITY_REFRESH_TOKEN_INVALID: { status: 401, title: 'The refresh token is invalid, expired or revoked' },
  IDENTITY_MFA_TOKEN_INVALID: { status: 401, title: 'The MFA step token is invalid or expired' },
  IDENTITY_MFA_CODE_INVALID: { status: 401, title: 'The one-time code is wrong' },
  IDENTITY_MFA_NOT_ENABLED: { status: 409, title: 'Two-factor authentication is not enabled' },
  IDENTITY_MFA_ALREADY_ENABLED: { status: 409, title: 'Two-factor authentication is already enabled' },
  IDENTITY_MFA_NOT_ENROLLED: { status: 409, title: 'Start a TOTP enrolment before confirming it' },
  IDENTITY_ROLE_UNKNOWN: { status: 400, title: 'Unknown role' },
  IDENTITY_LAST_ADMIN: {
    status: 409,
    title: 'The last active admin cannot lose the admin role or be disabled',
  },
  IDENTITY_API_KEY_NOT_FOUND: { status: 404, title: 'API key not found' },
  IDENTITY_API_KEY_INVALID: { status: 401, title: 'The API key is invalid, revoked or expired' },
  IDENTITY_PERMISSION_UNKNOWN: { status: 400, title: 'Unknown permission' },
  IDENTITY_PERMISSION_NOT_HELD: {
    status: 403,
    title: 'A key cannot grant a permission its owner does not hold',
  },
  IDENTITY_CLIENT_NOT_FOUND: { status: 404, title: 'OAuth client not found' },
  IDENTITY_CLIENT_EXISTS: { status: 409, title: 'An OAuth client with this id already exists' },
});
