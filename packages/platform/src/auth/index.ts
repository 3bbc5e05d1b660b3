export { PERMISSIONS, ROLES, ROLE_PERMISSIONS, permissionsOf, isPermission } from './permissions.ts';
export type { Permission, Role } from './permissions.ts';
export type { Principal, MercatoClaims } from './principal.ts';
