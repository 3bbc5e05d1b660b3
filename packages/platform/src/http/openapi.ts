import type { SwaggerTransform, SwaggerTransformObject } from '@fastify/swagger';
import type { FastifySchema } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { sample } from 'openapi-sampler';
import type { AuthRequirement } from '../auth/auth-plugin.ts';
import { CommonErrors, PROBLEM_CONTENT_TYPE, toProblem, type AppError } from '../errors/index.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The request body as documented, for a route that reads its body itself (a stream
     * handed through by its content-type parser): `{ description, content: { [mediaType]:
     * { schema } } }`. It only goes into the OpenAPI document; nothing validates it.
     */
    documentedBody?: { description?: string; content: Record<string, { schema: object }> };
  }
}

type Json = Record<string, unknown>;

/**
 * The security schemes a service's routes name: bearer access tokens, which every service
 * verifies, and OAuth client credentials, which identity's OAuth endpoints take (the
 * gateway adds its API key).
 */
export const SECURITY_SCHEMES = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'An access token from identity (`POST /api/v1/auth/login` or the OAuth token endpoint). ' +
      'The names listed with a requirement are the permissions the token must carry.',
  },
  clientBasic: {
    type: 'http',
    scheme: 'basic',
    description: 'OAuth client credentials (client_secret_basic): client id and secret.',
  },
} as const;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The words of one path segment: `dead-letters` → dead, letters; `idOrHandle` → id, Or, Handle. */
function words(segment: string): string[] {
  return segment.split(/[^A-Za-z0-9]+/).filter((w) => w !== '');
}

const capital = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);

/**
 * The operationId the kit gives a route that names none: its method and path, without the
 * `/api/v1` prefix, in camel case, a parameter read as `By<Name>` —
 * `POST /api/v1/products/:id/archive` → `postProductsByIdArchive`. Stable as long as the
 * route is, and unique per service as (method, path) is.
 */
export function operationIdOf(method: string, path: string): string {
  const parts = path
    .replace(/^\/api\/v\d+(?=\/)/, '')
    .split('/')
    .filter((s) => s !== '')
    .flatMap((s) => {
      const param = /^(?::|\{)([^}]+)\}?$/.exec(s)?.[1];
      return param === undefined ? words(s) : ['By', ...words(param)];
    });
  return method.toLowerCase() + parts.map(capital).join('');
}

/**
 * The security requirement of a route's `auth` config: none for a public route; a bearer
 * token otherwise, with the permissions it must carry (one alternative per permission
 * for `anyPermission`).
 */
export function securityOf(auth: AuthRequirement | undefined): Array<Record<string, string[]>> {
  if (auth === undefined || auth === 'public') return [];
  if (auth === 'user') return [{ bearer: [] }];
  if ('permission' in auth) return [{ bearer: [auth.permission] }];
  return auth.anyPermission.map((p) => ({ bearer: [p] }));
}

/**
 * A request schema as a client sees it: a property with a `default` is not required
 * (validation fills it in, ajv `useDefaults`), in nested objects too. Handlers keep
 * seeing the property as present; only the document changes. Shared schemas (`$ref`)
 * are left as they are.
 */
export function optionalDefaults(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(optionalDefaults);
  if (!isObject(schema)) return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    out[key] =
      key === 'properties' && isObject(value)
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, optionalDefaults(v)]))
        : key === 'default' || key === 'examples' || key === 'const' || key === 'enum'
          ? value
          : optionalDefaults(value);
  }
  const props = out.properties;
  if (Array.isArray(out.required) && isObject(props)) {
    const required = out.required.filter((name) => !(isObject(props[name]) && 'default' in props[name]));
    if (required.length > 0) out.required = required;
    else delete out.required;
  }
  return out;
}

function isProblemRef(v: unknown): boolean {
  return isObject(v) && v.$ref === 'Problem';
}

const EXAMPLE_CORRELATION_ID = '0190c4a2-7d3e-7c41-9a2b-5f0e8d6c4b3a';

// The common error that illustrates each status (a route's own codes vary; the shape does not).
const EXAMPLE_ERRORS: Readonly<Record<number, keyof typeof CommonErrors.catalog>> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  412: 'PRECONDITION_FAILED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  428: 'PRECONDITION_REQUIRED',
  429: 'RATE_LIMITED',
  503: 'DEPENDENCY_UNAVAILABLE',
  504: 'UPSTREAM_TIMEOUT',
};

/** The common error that illustrates a status, when there is one. */
function exampleError(status: number): AppError | undefined {
  const code = EXAMPLE_ERRORS[status];
  if (code === undefined) return undefined;
  const errors = code === 'VALIDATION_FAILED' ? [{ path: '/query/pageSize', message: 'must be <= 100' }] : [];
  return CommonErrors[code](undefined, { errors });
}

/** How {@link problemResponse} documents a problem answer. */
export interface ProblemResponseOptions {
  /** The Problem schema's reference (default `Problem`, as a route schema names it). */
  ref?: string;
  /** The error the example shows (default: the kit's common error of that status). */
  example?: AppError;
  description?: string;
  /** Response headers (OpenAPI Header Objects by name). */
  headers?: Record<string, unknown>;
}

/**
 * A problem answer as documented: `application/problem+json`, described by its status,
 * with an example where there is an error to show.
 */
export function problemResponse(status: number, opts: ProblemResponseOptions = {}): Json {
  const err = opts.example ?? exampleError(status);
  const media: Json = { schema: { $ref: opts.ref ?? 'Problem' } };
  if (err !== undefined) media.example = { ...toProblem(err, undefined, EXAMPLE_CORRELATION_ID) };
  return {
    description: opts.description ?? STATUS_CODES[status] ?? 'Error',
    ...(opts.headers !== undefined && { headers: opts.headers }),
    content: { [PROBLEM_CONTENT_TYPE]: media },
  };
}

/**
 * The responses a route documents: its own, with every problem entry (`problemResponses`,
 * `ProblemRef`) as `application/problem+json`, plus the problems the kit itself answers
 * with — 400 when the request is validated, 401 when the route needs a principal, 403
 * when it needs a permission — where the route did not list them.
 */
function documentedResponses(schema: Json, auth: AuthRequirement | undefined): Json | undefined {
  const own = schema.response;
  if (!isObject(own)) return undefined;
  const out: Json = {};
  for (const [status, entry] of Object.entries(own))
    out[status] = isProblemRef(entry) ? problemResponse(Number(status)) : entry;
  const kit: number[] = [];
  if (schema.body || schema.querystring || schema.params || schema.headers) kit.push(400);
  if (auth !== undefined && auth !== 'public') kit.push(401);
  if (isObject(auth)) kit.push(403);
  for (const status of kit) out[status] ??= problemResponse(status);
  return out;
}

/**
 * The kit's `transform` of @fastify/swagger: what each route's schema and config say,
 * as the operation a client generator needs — an operationId (the schema's own, or
 * {@link operationIdOf}), its security from `config.auth` (a schema's own `security`
 * wins: an optional token is `[{}, { bearer: [...] }]`), request properties with
 * defaults optional, problem answers as `application/problem+json`, and a
 * `config.documentedBody`. Runs on a copy: the route's own schema, which validates
 * requests, is not changed.
 */
export const routeOperation: SwaggerTransform = ({ schema, url, route }) => {
  const own = (schema ?? {}) as Json;
  if (own.hide === true) return { schema: own as FastifySchema, url };
  const auth = route.config?.auth;
  const method = Array.isArray(route.method) ? String(route.method[0]) : String(route.method);
  const out: Json = {
    ...own,
    operationId: own.operationId ?? operationIdOf(method, url),
    security: own.security ?? securityOf(auth),
  };
  for (const part of ['querystring', 'headers', 'body'] as const)
    if (own[part] !== undefined) out[part] = optionalDefaults(own[part]);
  const documentedBody = route.config?.documentedBody;
  if (out.body === undefined && documentedBody !== undefined) out.body = documentedBody;
  const responses = documentedResponses(own, auth);
  if (responses !== undefined) out.response = responses;
  return { schema: out as FastifySchema, url };
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];
const SAMPLE_OPTIONS = { quiet: true, enablePatterns: true } as const;

function isJsonMedia(type: string): boolean {
  return type === 'application/json' || type.endsWith('+json');
}

function hasExample(media: Json): boolean {
  return media.example !== undefined || isObject(media.examples);
}

/** Gives a JSON media type without an example one sampled from its schema. */
function exampleFor(media: unknown, doc: object): void {
  if (!isObject(media) || hasExample(media) || !isObject(media.schema)) return;
  const example = sample(media.schema, SAMPLE_OPTIONS, doc);
  if (example !== undefined) media.example = example;
}

/**
 * The kit's `transformObject`: every operation gets examples — its JSON request body and
 * its successful JSON answers, and its required parameters, an example derived from their
 * schema where the route gave none (`openapi-sampler`: a schema's own `examples`,
 * `default` or `enum` first, then its format, pattern and bounds). A response described
 * as 'Default Response' gets its status text.
 */
export const documentExamples: SwaggerTransformObject = (documentObject) => {
  const doc = ('openapiObject' in documentObject ? documentObject.openapiObject : {}) as Json;
  for (const item of Object.values(isObject(doc.paths) ? doc.paths : {})) {
    if (!isObject(item)) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      for (const param of Array.isArray(op.parameters) ? op.parameters : []) {
        if (
          isObject(param) &&
          param.required === true &&
          param.example === undefined &&
          isObject(param.schema)
        )
          param.example = sample(param.schema, SAMPLE_OPTIONS, doc);
      }
      const body = isObject(op.requestBody) ? op.requestBody.content : undefined;
      for (const [type, media] of Object.entries(isObject(body) ? body : {}))
        if (isJsonMedia(type)) exampleFor(media, doc);
      for (const [status, response] of Object.entries(isObject(op.responses) ? op.responses : {})) {
        if (!isObject(response)) continue;
        if (response.description === 'Default Response')
          response.description = STATUS_CODES[Number(status)] ?? response.description;
        if (!status.startsWith('2') || !isObject(response.content)) continue;
        for (const [type, media] of Object.entries(response.content))
          if (isJsonMedia(type)) exampleFor(media, doc);
      }
    }
  }
  return doc;
};
