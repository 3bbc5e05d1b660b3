import { InvalidTokenError, type Principal, type TokenVerifier } from '@mercato/platform/auth';
import { createServiceClient, type ServiceClient } from '@mercato/platform/client';
import { AppError, CommonErrors } from '@mercato/platform/errors';
import type { Logger } from '@mercato/platform/logging';
import { createHash } from 'node:crypto';

/** What identity grants for a valid API key. */
export interface ApiKeyGrant {
  /** A short-lived access token standing for the key (sent upstream as the bearer). */
  accessToken: string;
  subject: string;
  tier: Principal['tier'];
}

/** The gateway's answer for one API key: a grant, or "not valid". `hash` keys rate limits. */
export type ApiKeyAnswer = { valid: true; hash: string; grant: ApiKeyGrant } | { valid: false; hash: string };

/** Exchanges API keys for access tokens at identity, with a cache. */
export interface ApiKeyExchange {
  /** Rejects with UPSTREAM_UNAVAILABLE (503) when identity cannot answer. */
  exchange(apiKey: string): Promise<ApiKeyAnswer>;
  close(): Promise<void>;
}

interface Cached {
  answer: ApiKeyAnswer;
  until: number;
}

/** Options of {@link createApiKeyExchange}. */
export interface ApiKeyExchangeOptions {
  /** Identity's base URL (its own port, not the gateway). */
  identityUrl: string;
  logger?: Pick<Logger, 'warn' | 'info'>;
  /** Grants are reused until this long before the token expires (default 30 s). */
  refreshBeforeMs?: number;
  /** How long "not valid" is remembered (default 10 s): a flood of bad keys reaches identity once per key. */
  invalidTtlMs?: number;
  maxEntries?: number;
  timeoutMs?: number;
  /**
   * Checks a grant's token on every use (the gateway's verifier: signature, expiry and the
   * revocation list). A cached grant it refuses (its key was revoked, or its owner disabled
   * or given other roles since) is dropped and the key exchanged again, once.
   */
  verifier?: TokenVerifier;
}

const PATH = '/internal/api-keys/exchange';

function grantOf(body: unknown): { grant: ApiKeyGrant; expiresIn: number } | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  if (typeof b.accessToken !== 'string' || b.accessToken === '') return undefined;
  if (typeof b.subject !== 'string' || typeof b.expiresIn !== 'number') return undefined;
  const tier = b.tier === 'premium' ? 'premium' : 'authenticated';
  return { grant: { accessToken: b.accessToken, subject: b.subject, tier }, expiresIn: b.expiresIn };
}

/**
 * `POST {identityUrl}/internal/api-keys/exchange {apiKey}` → `{ accessToken, expiresIn,
 * subject, tier }`, through the kit's service client (timeout, circuit breaker). Answers
 * are cached by sha256(apiKey) — the key itself is never stored — and concurrent requests
 * with the same key share one exchange. With a verifier, a grant is only handed out while
 * its token passes it, so a revocation reaches the cache as soon as the verifier knows it.
 */
export function createApiKeyExchange(opts: ApiKeyExchangeOptions): ApiKeyExchange {
  const client: ServiceClient = createServiceClient({
    name: 'identity',
    baseUrl: opts.identityUrl,
    timeoutMs: opts.timeoutMs ?? 2_000,
    retries: 0,
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  const refreshBeforeMs = opts.refreshBeforeMs ?? 30_000;
  const invalidTtlMs = opts.invalidTtlMs ?? 10_000;
  const maxEntries = opts.maxEntries ?? 10_000;
  const cache = new Map<string, Cached>();
  const flights = new Map<string, Promise<ApiKeyAnswer>>();

  function remember(hash: string, answer: ApiKeyAnswer, ttlMs: number): void {
    if (ttlMs <= 0) return;
    if (cache.size >= maxEntries) {
      const oldest = cache.keys().next();
      if (oldest.done !== true) cache.delete(oldest.value);
    }
    cache.set(hash, { answer, until: Date.now() + ttlMs });
  }

  async function ask(apiKey: string, hash: string): Promise<ApiKeyAnswer> {
    let res;
    try {
      res = await client.post<unknown>(PATH, { apiKey });
    } catch (err) {
      throw CommonErrors.UPSTREAM_UNAVAILABLE('identity cannot check API keys right now; retry shortly', {
        ...(err instanceof AppError && err.headers ? { headers: err.headers } : {}),
      });
    }
    if (res.status === 200 || res.status === 201) {
      const parsed = grantOf(res.body);
      if (parsed === undefined) {
        opts.logger?.warn(
          { status: res.status },
          'identity answered the API-key exchange with an unknown body',
        );
        throw CommonErrors.UPSTREAM_UNAVAILABLE('identity cannot check API keys right now');
      }
      const answer: ApiKeyAnswer = { valid: true, hash, grant: parsed.grant };
      remember(hash, answer, parsed.expiresIn * 1000 - refreshBeforeMs);
      return answer;
    }
    if (res.status === 400 || res.status === 401 || res.status === 403 || res.status === 404) {
      const answer: ApiKeyAnswer = { valid: false, hash };
      remember(hash, answer, invalidTtlMs);
      return answer;
    }
    opts.logger?.warn({ status: res.status }, 'identity answered the API-key exchange unexpectedly');
    throw CommonErrors.UPSTREAM_UNAVAILABLE('identity cannot check API keys right now');
  }

  function lookup(apiKey: string, hash: string): Promise<ApiKeyAnswer> {
    const hit = cache.get(hash);
    if (hit !== undefined) {
      if (hit.until > Date.now()) return Promise.resolve(hit.answer);
      cache.delete(hash);
    }
    let flight = flights.get(hash);
    if (flight === undefined) {
      flight = ask(apiKey, hash).finally(() => flights.delete(hash));
      flights.set(hash, flight);
    }
    return flight;
  }

  async function usable(answer: ApiKeyAnswer): Promise<boolean> {
    if (!answer.valid || opts.verifier === undefined) return true;
    try {
      await opts.verifier.verify(answer.grant.accessToken);
      return true;
    } catch (err) {
      if (err instanceof InvalidTokenError) return false;
      throw err;
    }
  }

  // Drops an answer only if the cache still holds it (not a fresher one another request got).
  function forget(answer: ApiKeyAnswer): void {
    if (cache.get(answer.hash)?.answer === answer) cache.delete(answer.hash);
  }

  return {
    async exchange(apiKey) {
      const hash = createHash('sha256').update(apiKey).digest('hex');
      const answer = await lookup(apiKey, hash);
      if (await usable(answer)) return answer;
      forget(answer);
      const fresh = await lookup(apiKey, hash);
      if (await usable(fresh)) return fresh;
      // Identity granted a token the gateway refuses at once (its verifier expects another
      // issuer or keys): not usable, remembered like an invalid key so identity is not asked
      // twice per request.
      opts.logger?.warn('a freshly exchanged API-key token was refused by the gateway verifier');
      const refused: ApiKeyAnswer = { valid: false, hash };
      forget(fresh);
      remember(hash, refused, invalidTtlMs);
      return refused;
    },
    close: () => client.close(),
  };
}
