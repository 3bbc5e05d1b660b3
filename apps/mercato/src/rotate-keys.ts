import { withOfflineIdentity } from './offline-identity.ts';

/**
 * `mercato rotate-keys`: publishes a new token signing key in identity's database. It
 * signs 10 s later (once verifiers can know it; running replicas pick it up within a
 * minute); the previous key stays in the JWKS, so tokens it signed verify until they
 * expire. The `identity.signing_key_rotated` event waits in the outbox until identity
 * next runs. Embedded mode opens the data
 * directory itself: run it while the platform is stopped (a running platform is rotated
 * with `POST /api/v1/oauth/keys/rotate`). Returns the new kid.
 */
export async function rotateKeys(mode: 'embedded' | 'distributed'): Promise<string> {
  return withOfflineIdentity(mode, (identity) => identity.keys.rotate({ actor: null }));
}
