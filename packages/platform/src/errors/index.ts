/** One field-level problem, `path` is a JSON pointer into the request (e.g. `/body/value`). */
export interface FieldError {
  path: string;
  message: string;
}

/** Definition of one error code: its HTTP status and a short, stable title. */
export interface ErrorSpec {
  status: number;
  title: string;
}

/** An error with a stable code that maps to an RFC 9457 problem. */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly title: string;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    code: string,
    spec: ErrorSpec,
    detail?: string,
    extra?: { errors?: FieldError[]; headers?: Record<string, string>; cause?: unknown },
  ) {
    super(detail ?? spec.title, extra?.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = spec.status;
    this.title = spec.title;
    this.errors = extra?.errors;
    this.headers = extra?.headers;
  }
}

type ErrorFactory = (
  detail?: string,
  extra?: { errors?: FieldError[]; headers?: Record<string, string> },
) => AppError;

/**
 * Declares a service's error codes once; returns a factory per code and the catalog
 * (used by the docs/errors.md sync test).
 */
export function defineErrors<const T extends Record<string, ErrorSpec>>(
  specs: T,
): { [K in keyof T]: ErrorFactory } & { readonly catalog: T } {
  const out: Record<string, unknown> = { catalog: specs };
  for (const [code, spec] of Object.entries(specs)) {
    out[code] = (detail?: string, extra?: { errors?: FieldError[]; headers?: Record<string, string> }) =>
      new AppError(code, spec, detail, extra);
  }
  return out as { [K in keyof T]: ErrorFactory } & { readonly catalog: T };
}

/** Error codes every service shares (raised by the kit itself). */
export const CommonErrors = defineErrors({
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid' },
  BAD_REQUEST: { status: 400, title: 'The request could not be read' },
  UNAUTHORIZED: { status: 401, title: 'Authentication is required' },
  FORBIDDEN: { status: 403, title: 'Not allowed' },
  NOT_FOUND: { status: 404, title: 'Resource not found' },
  ROUTE_NOT_FOUND: { status: 404, title: 'No such route' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  CONFLICT: { status: 409, title: 'Conflict' },
  REQUEST_TIMEOUT: { status: 408, title: 'The request was not received in time' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Request body is too large' },
  URI_TOO_LONG: { status: 414, title: 'The URL is too long' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  PRECONDITION_FAILED: { status: 412, title: 'The resource has changed (version mismatch)' },
  PRECONDITION_REQUIRED: { status: 428, title: 'If-Match is required' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'Idempotency-Key was used with a different request' },
  IDEMPOTENCY_REQUEST_IN_FLIGHT: { status: 409, title: 'A request with this Idempotency-Key is in progress' },
  IDEMPOTENCY_KEY_INVALID: { status: 400, title: 'Idempotency-Key is not valid' },
  HEADERS_TOO_LARGE: { status: 431, title: 'The request headers are too large' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  DEAD_LETTER_NOT_FOUND: { status: 404, title: 'Dead letter not found' },
  DEPENDENCY_UNAVAILABLE: { status: 503, title: 'A dependency is unavailable' },
  UPSTREAM_UNAVAILABLE: { status: 503, title: 'The service behind this route is unavailable' },
  UPSTREAM_TIMEOUT: { status: 504, title: 'The service behind this route did not answer in time' },
  INTERNAL: { status: 500, title: 'Internal error' },
});

/** An RFC 9457 problem body as Mercato sends it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code: string;
  errors?: FieldError[];
  correlationId?: string;
}

/** Builds the problem body for an AppError. */
export function toProblem(err: AppError, instance?: string, correlationId?: string): Problem {
  const p: Problem = {
    type: `https://mercato.dev/problems/${err.code.toLowerCase().replaceAll('_', '-')}`,
    title: err.title,
    status: err.status,
    code: err.code,
  };
  if (err.message && err.message !== err.title) p.detail = err.message;
  if (instance) p.instance = instance;
  if (err.errors && err.errors.length > 0) p.errors = err.errors;
  if (correlationId) p.correlationId = correlationId;
  return p;
}

/** The media type of problem bodies. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
