import { operationIdOf } from '@mercato/platform/http';
import { publicPath, type ServiceName } from '../routing/route-table.ts';
import { addGatewayAnswers, gatewayComponents, usedSecuritySchemes } from './gateway-answers.ts';

/** An OpenAPI document as JSON; only the parts the merge touches are typed. */
export interface OpenApiDoc {
  openapi?: string;
  info?: { title?: string; version?: string; description?: string };
  paths?: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
  tags?: { name: string; description?: string }[];
  [extension: string]: unknown;
}

/** One upstream's document, as fetched. */
export interface UpstreamDoc {
  service: ServiceName;
  doc: OpenApiDoc;
}

const OPERATIONS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
const SCHEMA_REF = '#/components/schemas/';
const GENERATED = /^def-\d+$/;
const NAME = /^[\w.-]+$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Rewrites `$ref`s to renamed schemas, in place, everywhere below node. */
function renameRefs(node: unknown, renames: ReadonlyMap<string, string>): void {
  if (Array.isArray(node)) {
    for (const item of node) renameRefs(item, renames);
    return;
  }
  if (!isObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith(SCHEMA_REF)) {
      const to = renames.get(value.slice(SCHEMA_REF.length));
      if (to !== undefined) node.$ref = SCHEMA_REF + to;
    } else {
      renameRefs(value, renames);
    }
  }
}

/**
 * The operationId of an operation in the merged document: one derived from a path the
 * gateway serves under another name (each service's `/admin/dead-letters`) is derived
 * from the public path; one another service took already is prefixed with the service.
 */
function uniqueOperationId(
  given: unknown,
  method: string,
  path: string,
  pub: string,
  service: string,
  taken: Set<string>,
): string {
  let id = typeof given === 'string' ? given : operationIdOf(method, path);
  if (pub !== path && id === operationIdOf(method, path)) id = operationIdOf(method, pub);
  if (taken.has(id)) id = service + id.charAt(0).toUpperCase() + id.slice(1);
  taken.add(id);
  return id;
}

/**
 * Merges the upstreams' documents into the one the gateway serves (the inputs are
 * changed in place: they are fresh copies parsed for this merge):
 * - paths are kept when the gateway routes them to that service, under their public path
 *   (`/admin/dead-letters` becomes `/api/v1/admin/<service>/dead-letters`); every
 *   operation is tagged with its service;
 * - components.schemas are merged, generated names (`def-0`) replaced by the schema's
 *   title; a name two services define differently is renamed `<service>_<name>` for the
 *   later one (in service-name order), its `$ref`s rewritten; other component kinds
 *   (securitySchemes …) keep the first definition;
 * - every operation gets a unique operationId, the gateway's own answers (429 rate
 *   limited, 502/503/504 when the service fails, is down or slow) and its API key as an
 *   alternative to a bearer token; security schemes no operation uses are left out;
 * - `x-unavailable` lists the services whose document could not be fetched.
 */
export function mergeSpecs(
  docs: readonly UpstreamDoc[],
  unavailable: readonly string[],
  info: { title: string; version: string; description?: string },
): OpenApiDoc {
  const paths: Record<string, Record<string, unknown>> = {};
  const components: Record<string, Record<string, unknown>> = { schemas: {} };
  const tags: { name: string; description?: string }[] = [];
  const operationIds = new Set<string>();
  const ordered = [...docs].sort((a, b) => a.service.localeCompare(b.service));

  for (const { service, doc } of ordered) {
    const schemas = components.schemas as Record<string, unknown>;
    const own = doc.components?.schemas ?? {};
    const renames = new Map<string, string>();
    const taken = new Set(Object.keys(own));
    for (const [name, schema] of Object.entries(own)) {
      let target = name;
      // @fastify/swagger names shared schemas def-0, def-1 … in every service; their
      // title (the TypeBox $id) is the name that means the same thing across services.
      const title = isObject(schema) ? schema.title : undefined;
      if (GENERATED.test(name) && typeof title === 'string' && NAME.test(title) && !taken.has(title)) {
        target = title;
        taken.add(title);
      }
      const existing = schemas[target];
      if (existing !== undefined && JSON.stringify(existing) !== JSON.stringify(schema))
        target = `${service}_${target}`;
      if (target !== name) renames.set(name, target);
    }
    if (renames.size > 0) renameRefs(doc, renames);
    for (const [name, schema] of Object.entries(own)) {
      const target = renames.get(name) ?? name;
      if (schemas[target] === undefined) schemas[target] = schema;
    }
    for (const [kind, entries] of Object.entries(doc.components ?? {})) {
      if (kind === 'schemas' || !isObject(entries)) continue;
      const section = (components[kind] ??= {});
      for (const [name, value] of Object.entries(entries)) section[name] ??= value;
    }

    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      const pub = publicPath(service, path);
      if (pub === undefined || paths[pub] !== undefined || !isObject(item)) continue;
      for (const [method, op] of Object.entries(item)) {
        if (!OPERATIONS.has(method) || !isObject(op)) continue;
        op.tags = [service];
        op.operationId = uniqueOperationId(op.operationId, method, path, pub, service, operationIds);
        addGatewayAnswers(op);
      }
      paths[pub] = item;
    }
    tags.push({ name: service, description: doc.info?.title ?? service });
  }

  if (Object.keys(paths).length > 0) {
    Object.assign((components.securitySchemes ??= {}), gatewayComponents.securitySchemes);
    components.responses = { ...components.responses, ...gatewayComponents.responses };
  }
  // A scheme no operation names (a service's, for routes another deployment has) is left out.
  const used = usedSecuritySchemes(paths);
  for (const name of Object.keys(components.securitySchemes ?? {}))
    if (!used.has(name)) delete components.securitySchemes?.[name];

  return {
    openapi: '3.1.0',
    info,
    servers: [{ url: '/' }],
    tags,
    paths,
    components,
    'x-unavailable': [...unavailable].sort(),
  };
}
