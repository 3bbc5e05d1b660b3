import { identityService } from '@mercato/identity';
import { createMemoryCache } from '@mercato/platform/cache';
import { ensurePgDatabase, openPGlite, type DatabaseTarget } from '@mercato/platform/db';
import { createLogger } from '@mercato/platform/logging';
import { createMemoryBus } from '@mercato/platform/messaging';
import path from 'node:path';
import { distributedOptionsFromEnv, serviceDatabaseUrl } from './distributed.ts';
import { embeddedOptionsFromEnv } from './embedded.ts';

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
  const pglite =
    mode === 'embedded' ? await openPGlite(path.join(embeddedOptionsFromEnv().dataDir, 'pglite')) : undefined;
  let target: DatabaseTarget;
  if (pglite) {
    target = { kind: 'pglite', pglite };
  } else {
    const url = serviceDatabaseUrl(distributedOptionsFromEnv().postgresUrl, 'identity');
    await ensurePgDatabase(url);
    target = { kind: 'pg', url };
  }
  const bus = createMemoryBus();
  try {
    // Building the service applies pending migrations, so a fresh database works too.
    const runtime = await identityService.build({
      database: target,
      mode,
      bus,
      cache: createMemoryCache(),
      logger: createLogger({ service: 'identity', level: 'warn' }),
    });
    try {
      return await runtime.parts.keys.rotate({ actor: null });
    } finally {
      await runtime.close();
    }
  } finally {
    await bus.close();
    await pglite?.close();
  }
}
