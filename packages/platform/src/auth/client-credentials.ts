import { request } from 'undici';
import { AppError, CommonErrors } from '../errors/index.ts';

/** Something that hands out a bearer token for outgoing calls (the service client's `credentials`). */
export interface TokenProvider {
  /** A valid access token (without the `Bearer ` prefix). */
  getToken(): Promise<string>;
  /** Forgets the cached token, e.g. after an upstream answered 401 to it. */
  invalidate?(): void;
}

/** Options of {@link createClientCredentials}. */
export interface ClientCredentialsOptions {
  /** identity's OAuth token endpoint, e.g. `http://identity:<port>/api/v1/oauth/token`. */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Space-separated service scopes to ask for. */
  scope?: string;
  /** The token is renewed this long before it expires (default 60 s). */
  refreshBeforeMs?: number;
  /** Per token request (default 5000 ms). */
  timeoutMs?: number;
  /** The clock renewal is timed by (default Date.now; tests move their own). */
  now?: () => number;
}

interface Held {
  token: string;
  renewAt: number;
}

// RFC 6749 §2.3.1: id and secret are form-encoded before they go into HTTP Basic.
const formEncode = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');

/**
 * OAuth2 client credentials (RFC 6749 §4.4) for service-to-service calls: asks the token
 * endpoint with HTTP Basic client authentication, caches the access token until
 * refreshBeforeMs before it expires (for very short-lived tokens: half their lifetime),
 * and lets concurrent callers share one token request (single-flight).
 *
 * A refused client (400/401: wrong secret, unknown client, scope not allowed) rejects with
 * an Error naming the OAuth error: a configuration fault, not an outage. An unreachable or
 * failing endpoint rejects with DEPENDENCY_UNAVAILABLE (503). Failures are not cached.
 */
export function createClientCredentials(opts: ClientCredentialsOptions): TokenProvider {
  const refreshBeforeMs = opts.refreshBeforeMs ?? 60_000;
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const now = opts.now ?? Date.now;
  const basic = Buffer.from(`${formEncode(opts.clientId)}:${formEncode(opts.clientSecret)}`).toString(
    'base64',
  );
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (opts.scope) form.set('scope', opts.scope);
  const body = form.toString();
  let held: Held | undefined;
  let flight: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    let status: number;
    let text: string;
    try {
      const res = await request(opts.tokenUrl, {
        method: 'POST',
        headers: {
          authorization: `Basic ${basic}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      throw new AppError(
        'DEPENDENCY_UNAVAILABLE',
        CommonErrors.catalog.DEPENDENCY_UNAVAILABLE,
        'the token endpoint is unreachable',
        { cause: err },
      );
    }
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // handled below: neither a token nor an OAuth error
    }
    if (status >= 400 && status < 500) {
      const code = typeof parsed.error === 'string' ? parsed.error : `status ${status}`;
      throw new Error(`client credentials of ${opts.clientId} were refused by the token endpoint: ${code}`);
    }
    const token = parsed.access_token;
    const expiresIn = parsed.expires_in;
    if (status >= 300 || typeof token !== 'string' || token === '' || typeof expiresIn !== 'number') {
      throw CommonErrors.DEPENDENCY_UNAVAILABLE(`the token endpoint answered ${status} without a token`);
    }
    const lifetimeMs = expiresIn * 1000;
    held = { token, renewAt: now() + Math.max(lifetimeMs - refreshBeforeMs, lifetimeMs / 2) };
    return token;
  }

  return {
    getToken() {
      if (held !== undefined && now() < held.renewAt) return Promise.resolve(held.token);
      flight ??= fetchToken().finally(() => {
        flight = undefined;
      });
      return flight;
    },
    invalidate() {
      held = undefined;
    },
  };
}

/**
 * A service client's own credentials: a provider (sent in `fallback` mode), or a provider
 * with the mode. When the token is sent:
 * - `fallback` (default): only when no Authorization would be sent otherwise (none on the
 *   call, in the client's headers, or propagated from the request being served). Calls
 *   made on a user's behalf carry the user's token, so the upstream checks that user's
 *   rights; background work (consumers, workers, sagas) calls as the service.
 * - `always`: the service token replaces a propagated caller token (for calls that need
 *   service scopes the caller does not hold); an Authorization given on the call wins.
 */
export type ServiceCredentials = TokenProvider | { provider: TokenProvider; mode: 'fallback' | 'always' };

/** Sets `authorization` in outgoing (lower-cased headers of one call) when credentials say so. */
export async function applyServiceToken(
  credentials: ServiceCredentials | undefined,
  outgoing: Record<string, string>,
  onCall: Readonly<Record<string, string>> | undefined,
): Promise<void> {
  if (credentials === undefined) return;
  const { provider, mode } =
    'provider' in credentials ? credentials : { provider: credentials, mode: 'fallback' };
  if (onCall && Object.keys(onCall).some((k) => k.toLowerCase() === 'authorization')) return;
  if (mode === 'fallback' && outgoing.authorization) return;
  outgoing.authorization = `Bearer ${await provider.getToken()}`;
}
