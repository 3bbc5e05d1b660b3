export { PERMISSIONS, ROLES, ROLE_PERMISSIONS, permissionsOf, isPermission } from './permissions.ts';
export type { Permission, Role } from './permissions.ts';
export type { Principal, MercatoClaims } from './principal.ts';
export { createTokenVerifier, InvalidTokenError } from './token-verifier.ts';
export type { TokenVerifier, TokenVerifierOptions, KeySource } from './token-verifier.ts';
export { registerAuth } from './auth-plugin.ts';
export type { AuthRequirement } from './auth-plugin.ts';
export { createClientCredentials } from './client-credentials.ts';
export type { ClientCredentialsOptions, ServiceCredentials, TokenProvider } from './client-credentials.ts';
