import { Type } from 'typebox';

/** Shared request/response pieces of the /api/v1/auth routes. */
export const tags = ['auth'];

export { EmailField } from '../text-fields.ts';
// Generous bound: the password rules (422) speak about length; this only caps the body.
export const PasswordField = Type.String({
  minLength: 1,
  maxLength: 1024,
  examples: ['correct horse battery staple'],
});
export const SecretField = Type.String({ minLength: 1, maxLength: 512 });

/** Tokens as login, the MFA step and refresh return them. */
export const TokenSetSchema = Type.Object({
  accessToken: Type.String(),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer({ description: 'seconds until the access token expires' }),
  refreshToken: Type.String({ description: 'opaque, single use: each refresh returns a new one' }),
  scope: Type.String(),
});

/** The second answer of a password login when the account has two-factor sign-in. */
export const MfaRequiredSchema = Type.Object({
  mfaRequired: Type.Literal(true),
  mfaToken: Type.String({ description: 'send with a code to POST /api/v1/auth/login/mfa' }),
});

/** 202 bodies of the no-enumeration endpoints (the same whether or not the email exists). */
export const AcceptedSchema = Type.Object({ status: Type.Literal('accepted') });
