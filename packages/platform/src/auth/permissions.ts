/**
 * The permissions Mercato knows, as `<resource>:<action>`. Services check these; identity
 * puts the caller's set into the access token (`permissions` claim) from its roles.
 */
export const PERMISSIONS = [
  'settings:write',
  'catalog:write',
  'inventory:write',
  'inventory:read',
  'orders:read',
  'orders:write',
  'customers:read',
  'customers:write',
  'discounts:write',
  'payments:read',
  'payments:write',
  'carts:write',
  'payments:refund',
  'shipping:write',
  'reviews:moderate',
  'sellers:verify',
  'notifications:write',
  'analytics:read',
  'users:read',
  'users:write',
  'api-keys:write',
  'dead-letters:replay',
  'checkout:admin',
] as const;

/** One permission name. */
export type Permission = (typeof PERMISSIONS)[number];

/** The roles of ARCHITECTURE.md §8. */
export const ROLES = ['customer', 'seller', 'support', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What each role may do beyond acting on its own resources (ownership is checked by the
 * owning service). Admin holds every permission.
 */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  customer: [],
  seller: ['catalog:write', 'inventory:read', 'inventory:write', 'orders:read', 'shipping:write'],
  support: [
    'orders:read',
    'customers:read',
    'users:read',
    'payments:read',
    'payments:refund',
    'reviews:moderate',
    'inventory:read',
  ],
  admin: PERMISSIONS,
};

/** The union of the permissions of the given roles (unknown roles grant nothing). */
export function permissionsOf(roles: readonly string[]): Permission[] {
  const out = new Set<Permission>();
  for (const role of roles) {
    for (const p of ROLE_PERMISSIONS[role as Role] ?? []) out.add(p);
  }
  return [...out].sort();
}

/** Whether a string names a known permission. */
export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}
