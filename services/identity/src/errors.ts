import { defineErrors } from '@mercato/platform/errors';

/** The identity service's error codes (listed in docs/errors.md). */
export const IdentityErrors = defineErrors({
  IDENTITY_USER_NOT_FOUND: { status: 404, title: 'User not found' },
  IDENTITY_EMAIL_TAKEN: { status: 409, title: 'An account with this email already exists' },
});
