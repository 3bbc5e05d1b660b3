/** The error codes of RFC 6749 §5.2 the token and revocation endpoints answer with. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope';

/**
 * An OAuth error answer: `{ error, error_description }` as JSON, 401 for invalid_client
 * (with WWW-Authenticate), 400 otherwise. `extra` adds extension members (e.g. mfa_token).
 */
export class OAuthError extends Error {
  readonly error: OAuthErrorCode;
  readonly status: 400 | 401;
  readonly extra: Readonly<Record<string, string>>;

  constructor(error: OAuthErrorCode, description: string, extra: Record<string, string> = {}) {
    super(description);
    this.name = 'OAuthError';
    this.error = error;
    this.status = error === 'invalid_client' ? 401 : 400;
    this.extra = extra;
  }

  /** The JSON body; the description keeps to the characters RFC 6749 allows there. */
  body(): Record<string, string> {
    const description = this.message.replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, ' ');
    return { error: this.error, error_description: description, ...this.extra };
  }
}

/** The form or JSON parameters of an OAuth request, as parsed (values not yet checked). */
export type OAuthParams = Readonly<Record<string, unknown>>;

/**
 * One parameter's value: RFC 6749 §3.1 treats an empty value as absent and forbids a
 * parameter given twice (a repeated form field arrives as an array).
 */
export function param(params: OAuthParams, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    throw new OAuthError('invalid_request', `${name} must be given once, as a string`);
  }
  return value;
}

/** The space-separated scope parameter as a list without repeats (undefined when absent). */
export function scopeParam(params: OAuthParams): string[] | undefined {
  const raw = param(params, 'scope');
  if (raw === undefined) return undefined;
  if (!/^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/.test(raw)) {
    throw new OAuthError('invalid_scope', 'scope must be space-separated scope tokens');
  }
  return [...new Set(raw.split(' '))];
}
