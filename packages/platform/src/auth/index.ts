export { PERMISSIONS, ROLES, ROLE_PERMISSIONS, permissionsOf, isPermission } from './permissions.ts';
export type { Permission, Role } from './permissions.ts';
export type { Principal, MercatoClaims } from './principal.ts';
export { actorOf, ANONYMOUS_ACTOR } from './principal.ts';
export { createTokenVerifier, InvalidTokenError } from './token-verifier.ts';
export type { TokenVerifier, TokenVerifierOptions, KeySource } from './token-verifier.ts';
export { registerAuth } from './auth-plugin.ts';
export type { AuthRequirement } from './auth-plugin.ts';
export { createClientCredentials } from './client-credentials.ts';
export type { ClientCredentialsOptions, ServiceCredentials, TokenProvider } from './client-credentials.ts';
export { cachingVerifier } from './verified-token-cache.ts';
export {
  createRevocationList,
  MAX_ACCESS_TOKEN_TTL_SECONDS,
  REVOCATION_EVENT_TYPES,
} from './revocation-list.ts';
export type { RevocationList } from './revocation-list.ts';
export { followRevocations, withRevocations } from './revocation-guard.ts';
