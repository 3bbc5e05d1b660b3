/**
 * The gateway's route table (ARCHITECTURE.md §2, §5): which service owns which
 * resource, and how a public path maps to the owning service's path.
 * Pure functions and data only, so the mapping is unit tested without HTTP.
 */

/** Every service that can sit behind the gateway, with its default port (ARCHITECTURE.md §2). */
export const SERVICE_PORTS = {
  identity: 8101,
  customer: 8102,
  catalog: 8103,
  inventory: 8104,
  cart: 8105,
  discount: 8106,
  checkout: 8107,
  order: 8108,
  payment: 8109,
  shipping: 8110,
  notification: 8111,
  review: 8112,
  seller: 8113,
  settings: 8114,
  analytics: 8115,
} as const;

/** A service the gateway can route to. */
export type ServiceName = keyof typeof SERVICE_PORTS;

/** The service names, in port order. */
export const SERVICE_NAMES = Object.keys(SERVICE_PORTS) as ServiceName[];

/** Public resource (first path segment after the version) → owning service. */
export const RESOURCE_OWNERS: Readonly<Record<string, ServiceName>> = {
  settings: 'settings',
  'feature-flags': 'settings',
  products: 'catalog',
  categories: 'catalog',
  brands: 'catalog',
  variants: 'catalog',
  search: 'catalog',
  inventory: 'inventory',
  auth: 'identity',
  users: 'identity',
  'api-keys': 'identity',
  oauth: 'identity',
  customers: 'customer',
  carts: 'cart',
  discounts: 'discount',
  checkout: 'checkout',
  orders: 'order',
  returns: 'order',
  payments: 'payment',
  shipments: 'shipping',
  shipping: 'shipping',
  notifications: 'notification',
  reviews: 'review',
  sellers: 'seller',
  analytics: 'analytics',
};

// A Map answers the per-request lookup without walking the prototype chain of a plain object
// (a resource named "constructor" must not resolve).
const owners = new Map<string, ServiceName>(Object.entries(RESOURCE_OWNERS));
const services = new Set<string>(SERVICE_NAMES);

/** Whether name is a service the gateway knows. */
export function isServiceName(name: string): name is ServiceName {
  return services.has(name);
}

/** Where a public path goes: the owning service and the path to ask it for. */
export interface RouteMatch {
  service: ServiceName;
  /** Path on the upstream, without query string. */
  path: string;
}

const API = '/api/';
const V1 = '/api/v1/';
// OIDC discovery and the JWKS live at the issuer's root (RFC 8414, OpenID Discovery), not under /api.
const WELL_KNOWN = '/.well-known/';
const DEAD_LETTERS = 'dead-letters';

/**
 * Resolves a public path (no query string) to its owning service.
 * - `/api/v1/<resource>[/...]` → owner of resource, path unchanged;
 * - `/api/<resource>[/...]` → same as v1, path rewritten to `/api/v1/...`;
 * - `/api/v1/admin/<service>/dead-letters[/...]` → `<service>`, `/admin/dead-letters[/...]`;
 * - `/.well-known/<name>` → identity, path unchanged (openid-configuration, jwks.json).
 * Returns undefined for anything else (unknown resource, other version, not under /api/).
 */
export function resolveRoute(path: string): RouteMatch | undefined {
  let rest: number; // index where the resource segment starts
  let versioned: boolean;
  if (path.startsWith(V1)) {
    rest = V1.length;
    versioned = true;
  } else if (path.startsWith(API)) {
    rest = API.length;
    versioned = false;
  } else if (path.startsWith(WELL_KNOWN) && path.length > WELL_KNOWN.length) {
    return { service: 'identity', path };
  } else {
    return undefined;
  }
  const end = segmentEnd(path, rest);
  const resource = path.slice(rest, end);
  if (resource === 'admin') return resolveAdmin(path, end);
  const service = owners.get(resource);
  if (service === undefined) return undefined; // also catches `/api/v2/...`: "v2" is no resource
  return { service, path: versioned ? path : `/api/v1/${path.slice(rest)}` };
}

/** `/api[/v1]/admin/<service>/dead-letters[/...]`; `from` points at the slash after "admin". */
function resolveAdmin(path: string, from: number): RouteMatch | undefined {
  if (path.charCodeAt(from) !== 47 /* / */) return undefined;
  const nameEnd = segmentEnd(path, from + 1);
  const service = path.slice(from + 1, nameEnd);
  if (!isServiceName(service)) return undefined;
  if (path.charCodeAt(nameEnd) !== 47) return undefined;
  const what = nameEnd + 1;
  const whatEnd = segmentEnd(path, what);
  if (path.slice(what, whatEnd) !== DEAD_LETTERS) return undefined;
  return { service, path: `/admin/${path.slice(what)}` };
}

function segmentEnd(path: string, from: number): number {
  const slash = path.indexOf('/', from);
  return slash === -1 ? path.length : slash;
}

/**
 * Maps an upstream's own path (as in its OpenAPI document) to the public path the gateway
 * serves it under, or undefined when the gateway does not route that path to this service.
 */
export function publicPath(service: ServiceName, upstreamPath: string): string | undefined {
  if (upstreamPath === '/admin/dead-letters' || upstreamPath.startsWith('/admin/dead-letters/')) {
    return `/api/v1/admin/${service}${upstreamPath.slice('/admin'.length)}`;
  }
  const match = resolveRoute(upstreamPath);
  return match !== undefined && match.service === service && match.path === upstreamPath
    ? upstreamPath
    : undefined;
}
