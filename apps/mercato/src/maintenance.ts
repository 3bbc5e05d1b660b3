import { createMemoryCache } from '@mercato/platform/cache';
import { openPGlite, type DatabaseTarget } from '@mercato/platform/db';
import { createMemoryBus } from '@mercato/platform/messaging';
import path from 'node:path';
import { distributedOptionsFromEnv, serviceDatabaseUrl } from './distributed.ts';
import { embeddedOptionsFromEnv } from './embedded.ts';
import { launcherConfig } from './launcher-config.ts';
import { carrierStandIn, pspStandIn } from './provider-stand-ins.ts';
import { services } from './service-registry.ts';
import { randomBytes } from 'node:crypto';
import { ensurePgDatabase } from '@mercato/platform/db';

/**
 * `mercato migrate` / `mercato seed`: builds each service (which applies its migrations)
 * and, for seed, loads its demo data. Events written by seeds stay in the outbox and are
 * published when the service next runs.
 */
export async function runMaintenance(
  command: 'migrate' | 'seed',
  mode: 'embedded' | 'distributed',
): Promise<void> {
  const pglite =
    mode === 'embedded' ? await openPGlite(path.join(embeddedOptionsFromEnv().dataDir, 'pglite')) : undefined;
  const bus = createMemoryBus();
  // Services that need a provider's credentials or a signing secret outside embedded mode get
  // throwaway ones, as a distributed start would: migrate and seed call no provider.
  const offset = launcherConfig().MERCATO_PORT_OFFSET;
  const env = {
    ...process.env,
    ...carrierStandIn(offset)?.serviceEnv,
    ...pspStandIn(offset)?.serviceEnv,
    NOTIFICATION_SIGNING_SECRET:
      process.env.NOTIFICATION_SIGNING_SECRET ?? randomBytes(32).toString('base64url'),
  };
  try {
    for (const s of services) {
      let target: DatabaseTarget;
      if (pglite) {
        target = { kind: 'pglite', pglite };
      } else {
        const url = serviceDatabaseUrl(distributedOptionsFromEnv().postgresUrl, s.name);
        await ensurePgDatabase(url);
        target = { kind: 'pg', url };
      }
      const runtime = await s.definition.build({
        database: target,
        mode,
        demo: command === 'seed',
        env,
        bus,
        cache: createMemoryCache(),
      });
      if (command === 'seed') await runtime.seed();
      await runtime.close();
      process.stdout.write(`${s.name}: ${command} done\n`);
    }
  } finally {
    await bus.close();
    await pglite?.close();
  }
}
