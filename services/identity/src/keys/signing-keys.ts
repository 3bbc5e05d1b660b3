import type { ServiceContext } from '@mercato/platform/http';
import { newId } from '@mercato/platform/ids';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { IdentityDB } from '../db.ts';

const ALG = 'EdDSA';
// Other replicas may rotate: the signer re-reads the current key at most this often.
const RELOAD_MS = 60_000;

/** The key that signs now, ready for jose. */
export interface ActiveKey {
  kid: string;
  privateKey: CryptoKey;
}

/** A published verification key: always names its key id and algorithm. */
export type PublicJwk = JWK & { kty: string; kid: string; alg: string };

/** Token signing keys: the newest non-retired key signs; JWKS lists it and the previous one. */
export interface SigningKeys {
  current(): Promise<ActiveKey>;
  /** Public keys to publish: the current one and the previous one (still verifying tokens it signed). */
  jwks(): Promise<{ keys: PublicJwk[] }>;
  /** Makes a new key current; the old one stays published until the next rotation. Returns the new kid. */
  rotate(): Promise<string>;
}

/**
 * Signing keys kept in the identity schema. The first call creates a key when there is
 * none. Private keys never leave this module (responses, logs, events carry public JWKs only).
 */
export function createSigningKeys(ctx: ServiceContext<IdentityDB>): SigningKeys {
  const { database } = ctx;
  let cached: { key: ActiveKey; at: number } | undefined;

  async function create(): Promise<string> {
    const { publicKey, privateKey } = await generateKeyPair(ALG, { crv: 'Ed25519', extractable: true });
    const kid = newId();
    const pub = { ...(await exportJWK(publicKey)), kid, alg: ALG, use: 'sig' };
    const priv = { ...(await exportJWK(privateKey)), kid, alg: ALG };
    await database.db
      .insertInto('signing_keys')
      .values({ kid, alg: ALG, public_jwk: JSON.stringify(pub), private_jwk: JSON.stringify(priv) })
      .execute();
    return kid;
  }

  async function newest() {
    return database.db
      .selectFrom('signing_keys')
      .select(['kid', 'private_jwk'])
      .where('retired_at', 'is', null)
      .orderBy('created_at', 'desc')
      .orderBy('kid', 'desc')
      .executeTakeFirst();
  }

  async function load(): Promise<ActiveKey> {
    let row = await newest();
    if (!row) {
      await create();
      row = await newest();
    }
    if (!row) throw new Error('no signing key could be created');
    const jwk = (typeof row.private_jwk === 'string' ? JSON.parse(row.private_jwk) : row.private_jwk) as JWK;
    const privateKey = (await importJWK(jwk, ALG)) as CryptoKey;
    return { kid: row.kid, privateKey };
  }

  return {
    async current() {
      if (!cached || Date.now() - cached.at > RELOAD_MS) cached = { key: await load(), at: Date.now() };
      return cached.key;
    },
    async jwks() {
      await this.current();
      const rows = await database.db
        .selectFrom('signing_keys')
        .select(['public_jwk'])
        .where('retired_at', 'is', null)
        .orderBy('created_at', 'desc')
        .orderBy('kid', 'desc')
        .limit(2)
        .execute();
      return {
        keys: rows.map(
          (r) => (typeof r.public_jwk === 'string' ? JSON.parse(r.public_jwk) : r.public_jwk) as PublicJwk,
        ),
      };
    },
    async rotate() {
      // Keys older than the current one can no longer verify anything still valid once a
      // new key signs: only the current key stays published beside the new one.
      const active = await newest();
      if (active) {
        await database.db
          .updateTable('signing_keys')
          .set({ retired_at: new Date() })
          .where('retired_at', 'is', null)
          .where('kid', '!=', active.kid)
          .execute();
      }
      const kid = await create();
      cached = undefined;
      return kid;
    },
  };
}
