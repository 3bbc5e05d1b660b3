import type { Worker } from '@mercato/platform/service';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { sha256 } from '../accounts/secret-tokens.ts';
import type { IdentityContext } from '../identity-context.ts';
import { assertKnownPermissions } from '../oauth/credentials.ts';
import { CLIENT_ID_PATTERN } from './client.ts';
import { clientRepository as repo } from './client-repository.ts';

/** One service account the platform declares (IDENTITY_SERVICE_CLIENTS). */
const DeclaredClient = Type.Object(
  {
    clientId: Type.String({ pattern: CLIENT_ID_PATTERN }),
    secret: Type.String({ minLength: 32 }),
    scopes: Type.Array(Type.String(), { minItems: 1 }),
  },
  { additionalProperties: false },
);
const DeclaredClients = Type.Array(DeclaredClient);
export type DeclaredClient = Static<typeof DeclaredClient>;

/** Reads IDENTITY_SERVICE_CLIENTS; a bad value stops start-up naming the variable. */
export function parseServiceClients(raw: string | undefined): DeclaredClient[] {
  if (raw === undefined) return [];
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new Error('IDENTITY_SERVICE_CLIENTS is not JSON');
  }
  if (!Value.Check(DeclaredClients, value))
    throw new Error('IDENTITY_SERVICE_CLIENTS must be [{ clientId, secret (32+ chars), scopes: [...] }]');
  for (const c of value) assertKnownPermissions(c.scopes, `/IDENTITY_SERVICE_CLIENTS/${c.clientId}/scopes`);
  return value;
}

/**
 * Keeps the declared service accounts registered (created, or given the declared secret and
 * scopes and enabled again) when identity starts: the launcher makes a secret per start for
 * each service that calls others with its own client-credentials token (the checkout saga).
 */
export function serviceClientsWorker(identity: IdentityContext): Worker {
  const declared = parseServiceClients(identity.config.IDENTITY_SERVICE_CLIENTS);
  return {
    name: 'service-clients',
    async start() {
      if (declared.length === 0) return;
      await identity.ctx.database.transaction(async (trx) => {
        for (const c of declared) {
          await repo.upsert(trx, {
            clientId: c.clientId,
            name: `${c.clientId} (declared service account)`,
            secretHash: sha256(c.secret),
            scopes: [...new Set(c.scopes)].sort(),
            grantTypes: ['client_credentials'],
          });
        }
      });
      identity.ctx.logger.info({ clients: declared.map((c) => c.clientId) }, 'service accounts registered');
    },
    stop() {},
  };
}
