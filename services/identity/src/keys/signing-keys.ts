import type { IdentitySigningKeyRotatedV1 } from '@mercato/contracts/identity-oauth';
import { sql, type Kysely } from '@mercato/platform/db';
import { type ServiceContext } from '@mercato/platform/service';
import { newId } from '@mercato/platform/ids';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { IdentityDB } from '../db.ts';

const ALG = 'EdDSA';
// Other replicas may rotate: the signer re-reads the current key at most this often.
const RELOAD_MS = 60_000;
// A new key is published at once but signs only this much later. Verifiers refetch a JWKS
// for an unknown kid at most every 5 s (the kit's cooldown); were the new key to sign at
// once, a verifier that had just fetched would refuse fresh tokens for up to 5 s. Twice
// that cooldown guarantees every refetch that sees a new kid also finds its key.
export const KEY_ACTIVATION_DELAY_MS = 10_000;

/** The key that signs now, ready for jose. */
export interface ActiveKey {
  kid: string;
  privateKey: CryptoKey;
}

/** A published verification key: always names its key id and algorithm. */
export type PublicJwk = JWK & { kty: string; kid: string; alg: string };

/**
 * Token signing keys: the newest non-retired key signs once it is KEY_ACTIVATION_DELAY_MS
 * old (until then the one before it keeps signing); JWKS lists the newest two.
 */
export interface SigningKeys {
  current(): Promise<ActiveKey>;
  /** Public keys to publish: the current one and the previous one (still verifying tokens it signed). */
  jwks(): Promise<{ keys: PublicJwk[] }>;
  /**
   * Publishes a new key, which signs from KEY_ACTIVATION_DELAY_MS on; the one before stays
   * published until the next rotation, older ones are retired. Returns the new kid and
   * publishes `identity.signing_key_rotated` (public data only).
   */
  rotate(opts?: { actor?: string | null }): Promise<string>;
}

/**
 * Signing keys kept in the identity schema. The first call creates a key when there is
 * none. Private keys never leave this module (responses, logs, events carry public JWKs only).
 */
export function createSigningKeys(ctx: ServiceContext<IdentityDB>): SigningKeys {
  const { database, outbox } = ctx;
  let cached: { key: ActiveKey; until: number } | undefined;

  async function create(db: Kysely<IdentityDB> = database.db): Promise<string> {
    const { publicKey, privateKey } = await generateKeyPair(ALG, { crv: 'Ed25519', extractable: true });
    const kid = newId();
    const pub = { ...(await exportJWK(publicKey)), kid, alg: ALG, use: 'sig' };
    const priv = { ...(await exportJWK(privateKey)), kid, alg: ALG };
    await db
      .insertInto('signing_keys')
      .values({ kid, alg: ALG, public_jwk: JSON.stringify(pub), private_jwk: JSON.stringify(priv) })
      .execute();
    return kid;
  }

  async function newest(db: Kysely<IdentityDB>) {
    return db
      .selectFrom('signing_keys')
      .select(['kid'])
      .where('retired_at', 'is', null)
      .orderBy('created_at', 'desc')
      .orderBy('kid', 'desc')
      .executeTakeFirst();
  }

  /** The two newest live keys, newest first, with how long until each may sign (by the database clock). */
  async function candidates() {
    return database.db
      .selectFrom('signing_keys')
      .select([
        'kid',
        'private_jwk',
        sql<number>`greatest(0, extract(epoch from (created_at - now())) * 1000 + ${KEY_ACTIVATION_DELAY_MS})::float8`.as(
          'pending_ms',
        ),
      ])
      .where('retired_at', 'is', null)
      .orderBy('created_at', 'desc')
      .orderBy('kid', 'desc')
      .limit(2)
      .execute();
  }

  async function load(): Promise<{ key: ActiveKey; until: number }> {
    let rows = await candidates();
    if (rows.length === 0) {
      await create();
      rows = await candidates();
    }
    // The newest key that may sign; when none may yet (the very first key, or two rotations
    // within the delay), the older of the two, so something always signs.
    const row = rows.find((r) => Number(r.pending_ms) <= 0) ?? rows.at(-1);
    if (!row) throw new Error('no signing key could be created');
    const jwk = (typeof row.private_jwk === 'string' ? JSON.parse(row.private_jwk) : row.private_jwk) as JWK;
    const privateKey = (await importJWK(jwk, ALG)) as CryptoKey;
    // A pending newer key takes over when its delay is up: reload then, not a minute later.
    const pending = rows[0] && rows[0] !== row ? Number(rows[0].pending_ms) : RELOAD_MS;
    return { key: { kid: row.kid, privateKey }, until: Date.now() + Math.min(RELOAD_MS, pending) };
  }

  return {
    async current() {
      if (!cached || Date.now() >= cached.until) cached = await load();
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
    async rotate(opts = {}) {
      const kid = await database.transaction(async (trx) => {
        // Two rotations at once would each retire the other's key: they take turns.
        await sql`select pg_advisory_xact_lock(hashtext(${`${database.schema}.signing_keys.rotate`}))`.execute(
          trx,
        );
        // Keys older than the current one can no longer verify anything still valid once a
        // new key signs: only the current key stays published beside the new one.
        const active = await newest(trx);
        if (active) {
          await trx
            .updateTable('signing_keys')
            .set({ retired_at: new Date() })
            .where('retired_at', 'is', null)
            .where('kid', '!=', active.kid)
            .execute();
        }
        const created = await create(trx);
        const data: IdentitySigningKeyRotatedV1 = {
          kid: created,
          previousKid: active?.kid ?? null,
          rotatedBy: opts.actor ?? null,
        };
        await outbox.add(trx, { type: 'identity.signing_key_rotated', subject: created, data });
        return created;
      });
      cached = undefined;
      return kid;
    },
  };
}
