import { identityService } from '@mercato/identity';
import { createMemoryCache } from '@mercato/platform/cache';
import { ensurePgDatabase, openPGlite, type DatabaseTarget } from '@mercato/platform/db';
import { createLogger } from '@mercato/platform/logging';
import { createMemoryBus } from '@mercato/platform/messaging';
import path from 'node:path';
import { distributedOptionsFromEnv, serviceDatabaseUrl } from './distributed.ts';
import { embeddedOptionsFromEnv } from './embedded.ts';

/** Identity's parts (keys, settings, its context), as its use cases take them. */
export type IdentityParts = Awaited<ReturnType<typeof identityService.build>>['parts'];

/**
 * Runs `use` on identity built over the mode's database, for the commands that change it
 * without the platform (rotate-keys, reset-password). Building applies pending migrations,
 * so a fresh database works too. Nothing is started: events stay in identity's outbox and
 * are published when it next runs. Embedded mode opens the data directory itself, so the
 * platform must be stopped.
 */
export async function withOfflineIdentity<T>(
  mode: 'embedded' | 'distributed',
  use: (identity: IdentityParts) => Promise<T>,
): Promise<T> {
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
    const runtime = await identityService.build({
      database: target,
      mode,
      bus,
      cache: createMemoryCache(),
      logger: createLogger({ service: 'identity', level: 'warn' }),
    });
    try {
      return await use(runtime.parts);
    } finally {
      await runtime.close();
    }
  } finally {
    await bus.close();
    await pglite?.close();
  }
}
