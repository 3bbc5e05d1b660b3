import type { AuthenticatedClient } from '../clients/client.ts';
import type { ClientService } from '../clients/client-service.ts';
import { OAuthError, param, type OAuthParams } from './oauth-error.ts';

/** How the caller of the token or revocation endpoint identified itself. */
export type ClientIdentity =
  | { method: 'client_secret_basic' | 'client_secret_post'; clientId: string; secret: string }
  | { method: 'none'; clientId: string }
  | { method: 'anonymous' };

// RFC 6749 §2.3.1: id and secret are form-encoded before they are joined and base64-encoded.
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

/** `Authorization: Basic …` as client id and secret; throws invalid_client when malformed. */
export function parseBasic(header: string): { clientId: string; secret: string } {
  const m = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header);
  const decoded = m?.[1] ? Buffer.from(m[1], 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  try {
    if (colon > 0) {
      const clientId = formDecode(decoded.slice(0, colon));
      const secret = formDecode(decoded.slice(colon + 1));
      if (clientId && secret) return { clientId, secret };
    }
  } catch {
    // A bad percent-escape: the same answer as any other malformed header.
  }
  throw new OAuthError('invalid_client', 'the Basic credentials are malformed');
}

/**
 * Reads the client's credentials from a Basic header or the body (client_id,
 * client_secret). Using both methods at once is an invalid_request (RFC 6749 §2.3).
 */
export function clientIdentityOf(params: OAuthParams, basicHeader: string | undefined): ClientIdentity {
  const bodyId = param(params, 'client_id');
  const bodySecret = param(params, 'client_secret');
  if (basicHeader !== undefined) {
    const basic = parseBasic(basicHeader);
    if (bodySecret !== undefined) {
      throw new OAuthError('invalid_request', 'use one client authentication method, not two');
    }
    if (bodyId !== undefined && bodyId !== basic.clientId) {
      throw new OAuthError('invalid_request', 'client_id does not match the Basic credentials');
    }
    return { method: 'client_secret_basic', ...basic };
  }
  if (bodyId !== undefined && bodySecret !== undefined) {
    return { method: 'client_secret_post', clientId: bodyId, secret: bodySecret };
  }
  if (bodySecret !== undefined) throw new OAuthError('invalid_request', 'client_secret without client_id');
  return bodyId === undefined ? { method: 'anonymous' } : { method: 'none', clientId: bodyId };
}

/**
 * The registered client behind an identity: a confidential client must prove its secret,
 * a bare client_id must name a public (secret-less) client. Anonymous callers (the
 * first-party web app) get undefined. Failures are invalid_client, never saying which part.
 */
export async function authenticateClient(
  clients: ClientService,
  who: ClientIdentity,
): Promise<AuthenticatedClient | undefined> {
  if (who.method === 'anonymous') return undefined;
  const client =
    who.method === 'none'
      ? await clients.publicClient(who.clientId)
      : await clients.authenticate(who.clientId, who.secret);
  if (!client) throw new OAuthError('invalid_client', 'client authentication failed');
  return client;
}
