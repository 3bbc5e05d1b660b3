import { buildGateway } from '@mercato/gateway';
import { identityService } from '@mercato/identity';
import { createTokenVerifier } from '@mercato/platform/auth';
import { createMemoryCache } from '@mercato/platform/cache';
import type { DatabaseTarget } from '@mercato/platform/db';
import type { RuntimeDeps, ServiceRuntime } from '@mercato/platform/service';
import { createMemoryBus, createNatsBus, type EventBus } from '@mercato/platform/messaging';
import { settingsService } from '@mercato/settings';
import { dropSchema, infra, testTarget, uniqueSchema } from '@mercato/testing';
import { createLogger } from '@mercato/platform/logging';

const quietLogger = (service: string) => createLogger({ service, level: 'silent' });

export const ISSUER = 'http://mercato.revocation.test';
export const ADMIN = { email: 'revocation-admin@mercato.test', password: 'Revocation-Test-Pass-1' };

/** What a test talks to: the gateway, and the services behind it directly. */
export interface RevocationPlatform {
  gatewayUrl: string;
  identityUrl: string;
  settingsUrl: string;
  /** Starts one more gateway (a replica, or one restarted) on a bus connection of its own. */
  startGateway(): Promise<{ url: string; close(): Promise<void> }>;
  close(): Promise<void>;
}

/**
 * Identity and settings, real services on a database of the kind given, behind a real
 * gateway, all on one bus kind:
 * - `memory`: one in-process bus and one PGlite for all, as `npm start` runs them;
 * - `nats`: a NATS connection per service and per gateway, on PostgreSQL, as
 *   `npm run start:distributed` runs them (one process each).
 */
export async function startRevocationPlatform(kind: 'memory' | 'nats'): Promise<RevocationPlatform> {
  const env = {
    ...process.env,
    IDENTITY_ISSUER: ISSUER,
    REQUIRE_VERIFIED_EMAIL: 'false',
    ARGON2_MEMORY_KIB: '1024',
    ARGON2_TIME_COST: '1',
    BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
    BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
  };
  const target: DatabaseTarget = await testTarget(kind === 'memory' ? 'pglite' : 'pg');
  const shared = kind === 'memory' ? createMemoryBus() : undefined;
  const buses: EventBus[] = [];
  const newBus = async (name: string): Promise<EventBus> => {
    if (shared) return shared;
    const bus = await createNatsBus({ servers: infra.natsUrl, name });
    buses.push(bus);
    return bus;
  };
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    for (const b of buses) await b.close();
    await shared?.close();
  };

  try {
    const start = async <DB, P>(
      def: {
        manifest: { name: string; schema: string };
        build(deps: RuntimeDeps): Promise<ServiceRuntime<DB, P>>;
      },
      auth?: ReturnType<typeof createTokenVerifier>,
    ): Promise<{ runtime: ServiceRuntime<DB, P>; url: string }> => {
      const { name } = def.manifest;
      const schema = uniqueSchema(def.manifest.schema);
      const runtime = await def.build({
        database: target,
        schema,
        env,
        mode: 'embedded',
        bus: await newBus(name),
        cache: createMemoryCache({ namespace: schema }),
        logger: quietLogger(name),
        relay: { pollMs: 20 },
        ...(auth ? { auth } : {}),
      });
      closers.push(async () => {
        await runtime.close();
        await dropSchema(target, schema);
      });
      await runtime.start();
      return { runtime, url: await runtime.listen(0, '127.0.0.1') };
    };

    const identity = await start(identityService);
    const verifier = createTokenVerifier({
      issuer: ISSUER,
      audience: 'mercato',
      keys: new URL(`${identity.url}/.well-known/jwks.json`),
    });
    const settings = await start(settingsService, verifier);

    const startGateway = async () => {
      const gateway = await buildGateway({
        upstreams: { identity: identity.url, settings: settings.url },
        logger: quietLogger('gateway'),
        bus: await newBus('gateway'),
        auth: {
          jwksUrl: `${identity.url}/.well-known/jwks.json`,
          issuer: ISSUER,
          audience: 'mercato',
          identityUrl: identity.url,
        },
      });
      const url = await gateway.app.listen({ port: 0, host: '127.0.0.1' });
      let closed = false;
      const stop = async () => {
        if (closed) return;
        closed = true;
        await gateway.close();
      };
      closers.push(stop);
      return { url, close: stop };
    };
    const gateway = await startGateway();
    return {
      gatewayUrl: gateway.url,
      identityUrl: identity.url,
      settingsUrl: settings.url,
      startGateway,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
