/**
 * The gateway's route table (ARCHITECTURE.md §2, §5): which service owns which
 * resource, and how a public path maps to the owning service's path.
 * Built from the services' manifests (packages/contracts, services.ts), the one place a
 * service's resources are declared. Pure functions and data only, so the mapping is unit
 * tested without HTTP.
 */
import { isServiceName, serviceList, type ServiceManifest, type ServiceName } from '@mercato/contracts';

/** A service the gateway can route to (one with a manifest in packages/contracts). */
export type { ServiceName };
export { isServiceName };

/** The service names, in port order. */
export const SERVICE_NAMES = serviceList.map((m) => m.name as ServiceName);

/**
 * Public resource (first path segment after the version) → owning service, built from the
 * services' manifests; a resource claimed twice stops the gateway at start-up.
 */
export function resourceOwners(
  manifests: readonly ServiceManifest[] = serviceList,
): Map<string, ServiceName> {
  const owners = new Map<string, ServiceName>();
  for (const m of manifests) {
    for (const resource of m.resources) {
      const taken = owners.get(resource);
      if (taken !== undefined)
        throw new Error(`resource ${resource} is claimed by both ${taken} and ${m.name}`);
      owners.set(resource, m.name as ServiceName);
    }
  }
  return owners;
}

// A Map answers the per-request lookup without walking the prototype chain of a plain object
// (a resource named "constructor" must not resolve).
const owners = resourceOwners();
const rootPrefixes: Array<[string, ServiceName]> = serviceList.flatMap((m) =>
  (m.rootPrefixes ?? []).map((p): [string, ServiceName] => [p, m.name as ServiceName]),
);

/** Where a public path goes: the owning service and the path to ask it for. */
export interface RouteMatch {
  service: ServiceName;
  /** Path on the upstream, without query string. */
  path: string;
}

const API = '/api/';
const V1 = '/api/v1/';
const DEAD_LETTERS = 'dead-letters';

/**
 * Resolves a public path (no query string) to its owning service.
 * - `/api/v1/<resource>[/...]` → owner of resource, path unchanged;
 * - `/api/<resource>[/...]` → same as v1, path rewritten to `/api/v1/...`;
 * - `/api/v1/admin/<service>/dead-letters[/...]` → `<service>`, `/admin/dead-letters[/...]`;
 * - a manifest's root prefix (identity's `/.well-known/`: OIDC discovery and the JWKS live at
 *   the issuer's root, RFC 8414) → that service, path unchanged.
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
  } else {
    for (const [prefix, service] of rootPrefixes) {
      if (path.startsWith(prefix) && path.length > prefix.length) return { service, path };
    }
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
