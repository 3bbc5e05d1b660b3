import type { FastifyRequest } from 'fastify';
import type { Socket } from 'node:net';
import http from 'node:http';
import { CommonErrors, PROBLEM_CONTENT_TYPE, toProblem } from '../errors/index.ts';

/**
 * The JSON pointer of the first string (value or key) in `value` holding a NUL character
 * (U+0000), or undefined when there is none. PostgreSQL stores no NUL in text nor in jsonb,
 * so a NUL that got past the edge ended as a 500 wherever it was written or compared.
 */
export function nulPath(value: unknown, path = ''): string | undefined {
  const found = nulIn(value);
  return found === undefined ? undefined : path + found;
}

// Every request body passes here: the pointer is built only on the way out of a find, not
// for every key and index walked (that had cost ~4 % of a 2 KB evaluate request).
function nulIn(value: unknown): string | undefined {
  if (typeof value === 'string') return value.includes('\0') ? '' : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulIn(value[i]);
      if (found !== undefined) return `/${i}${found}`;
    }
    return undefined;
  }
  const record = value as Record<string, unknown>;
  for (const k of Object.keys(record)) {
    const found = k.includes('\0') ? '' : nulIn(record[k]);
    if (found !== undefined) return `/${k.replaceAll('~', '~0').replaceAll('/', '~1')}${found}`;
  }
  return undefined;
}

const NUL_MESSAGE = 'must not contain the NUL character (U+0000)';

// An encoded NUL (%00) or a raw one, anywhere in the target (path or query string).
const NUL_IN_URL = /%00|\0/i;

function refused(path: string): never {
  throw CommonErrors.VALIDATION_FAILED('the request contains a NUL character', {
    errors: [{ path, message: NUL_MESSAGE }],
  });
}

/**
 * onRequest: refuses a NUL in a path parameter, a query string value or name, anywhere else
 * in the URL, or in a header value, before anything reads them (the router has parsed the
 * path and query by then, so the error names the parameter: `/querystring/search`).
 */
export function refuseNulInTarget(request: FastifyRequest): void {
  if (NUL_IN_URL.test(request.url)) {
    // (The not-found route's only parameter is the whole path: named /url below.)
    const inParams = request.is404 ? undefined : nulPath(request.params);
    if (inParams !== undefined) refused(`/params${inParams}`);
    const inQuery = nulPath(request.query);
    if (inQuery !== undefined) refused(`/querystring${inQuery}`);
    refused('/url');
  }
  // Node's parser refuses a raw NUL in a header line; this catches what an embedder or a
  // proxy in front might hand over all the same (rawHeaders: names and values, alternating).
  const raw = request.raw.rawHeaders;
  for (let i = 1; i < raw.length; i += 2) {
    if (raw[i]!.includes('\0')) refused(`/headers/${raw[i - 1]!.toLowerCase()}`);
  }
}

/** The Ajv-like error a body validator reports for a NUL (a VALIDATION_FAILED naming the field). */
export interface NulValidationError {
  keyword: 'nul';
  instancePath: string;
  message: string;
  params: Record<string, never>;
}

export function nulValidationError(instancePath: string): NulValidationError {
  return { keyword: 'nul', instancePath, message: NUL_MESSAGE, params: {} };
}

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser refuses before Fastify sees a
 * request (headers too large, a malformed request line or header) answered as problem+json.
 */
export function problemClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const error =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? CommonErrors.REQUEST_TIMEOUT('the request was not received in time')
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? CommonErrors.HEADERS_TOO_LARGE('the request line and headers are too large')
        : CommonErrors.BAD_REQUEST('the request could not be parsed');
  const body = JSON.stringify(toProblem(error));
  const status = error.status;
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
