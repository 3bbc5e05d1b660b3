import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

export const PEER_ISSUER = 'http://identity.test';
export const PEER_AUDIENCE = 'mercato';

/** What the peer answers for one API key. */
export interface KeyGrant {
  subject: string;
  tier: 'authenticated' | 'premium';
  expiresIn?: number;
}

/**
 * A small identity over real HTTP for the gateway's tests: its own EdDSA key published at
 * /.well-known/jwks.json, and POST /internal/api-keys/exchange for the keys in `grants`
 * (anything else → 401 problem IDENTITY_API_KEY_INVALID). Counts what it is asked.
 */
export interface IdentityPeer {
  url: string;
  jwksUrl: string;
  /** Exchanges asked, by API key. */
  exchanges: string[];
  jwksFetches: number;
  grants: Map<string, KeyGrant>;
  sign(
    claims?: Record<string, unknown>,
    opts?: { issuer?: string; audience?: string; ttl?: string },
  ): Promise<string>;
  close(): Promise<void>;
}

export async function startIdentityPeer(): Promise<IdentityPeer> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const kid = randomUUID();
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
  const sign = (
    claims: Record<string, unknown> = {},
    opts: { issuer?: string; audience?: string; ttl?: string } = {},
  ) => signToken(privateKey, kid, claims, opts);

  const peer: IdentityPeer = {
    url: '',
    jwksUrl: '',
    exchanges: [],
    jwksFetches: 0,
    grants: new Map(),
    sign,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void answer(req, Buffer.concat(chunks).toString('utf8'), res);
    });
  });
  async function answer(req: IncomingMessage, body: string, res: ServerResponse): Promise<void> {
    if (req.method === 'GET' && req.url === '/.well-known/jwks.json') {
      peer.jwksFetches += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
      return;
    }
    if (req.method === 'POST' && req.url === '/internal/api-keys/exchange') {
      const { apiKey } = JSON.parse(body) as { apiKey: string };
      peer.exchanges.push(apiKey);
      const grant = peer.grants.get(apiKey);
      if (grant === undefined) {
        res
          .writeHead(401, { 'content-type': 'application/problem+json' })
          .end(JSON.stringify({ status: 401, code: 'IDENTITY_API_KEY_INVALID', title: 'invalid' }));
        return;
      }
      const expiresIn = grant.expiresIn ?? 900;
      const accessToken = await sign(
        { ptype: 'api_key', sub: grant.subject, tier: grant.tier },
        { ttl: `${expiresIn}s` },
      );
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ accessToken, expiresIn, subject: grant.subject, tier: grant.tier }));
      return;
    }
    res.writeHead(404).end();
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  peer.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  peer.jwksUrl = `${peer.url}/.well-known/jwks.json`;
  const close = peer.close;
  peer.close = () => {
    server.closeAllConnections();
    return close();
  };
  return peer;
}

async function signToken(
  key: CryptoKey,
  kid: string,
  claims: Record<string, unknown>,
  opts: { issuer?: string; audience?: string; ttl?: string },
): Promise<string> {
  const { sub, ...rest } = claims;
  return new SignJWT({ ptype: 'user', roles: ['customer'], permissions: [], scope: '', ...rest })
    .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'at+jwt' })
    .setIssuer(opts.issuer ?? PEER_ISSUER)
    .setAudience(opts.audience ?? PEER_AUDIENCE)
    .setSubject(typeof sub === 'string' ? sub : randomUUID())
    .setIssuedAt()
    .setExpirationTime(opts.ttl ?? '900s')
    .sign(key);
}

/** Gateway auth options that trust this peer: the kit's verifier over its JWKS, its key exchange. */
export function peerAuthOptions(peer: IdentityPeer) {
  return {
    tokenVerifier: undefined,
    jwksUrl: peer.jwksUrl,
    issuer: PEER_ISSUER,
    audience: PEER_AUDIENCE,
    identityUrl: peer.url,
  };
}
