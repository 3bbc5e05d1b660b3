import { pageResult, type Page } from '@mercato/platform/http';
import type {
  IdentityClientCreatedV1,
  IdentityClientDisabledV1,
  IdentityClientSecretRotatedV1,
} from '@mercato/contracts/identity-oauth';
import { type ServiceContext } from '@mercato/platform/service';
import { newSecretToken, sha256 } from '../accounts/secret-tokens.ts';
import type { IdentityDB } from '../db.ts';
import { IdentityErrors } from '../errors.ts';
import { assertKnownPermissions, sameDigest } from '../oauth/credentials.ts';
import { clientRepository as repo, toClient } from './client-repository.ts';
import type { AuthenticatedClient, ClientWithSecret, NewClient, OAuthClient } from './client.ts';

/** Service clients (service accounts) and their authentication at the token endpoint. */
export interface ClientService {
  create(input: NewClient, actor: string | null): Promise<ClientWithSecret>;
  list(window: { page: number; pageSize: number }): Promise<Page<OAuthClient>>;
  get(clientId: string): Promise<OAuthClient>;
  /** Stops the client from obtaining tokens (idempotent). Tokens already issued expire on their own. */
  disable(clientId: string, actor: string | null): Promise<void>;
  /** Replaces the secret: the old one stops working at once. */
  rotateSecret(clientId: string, actor: string | null): Promise<ClientWithSecret>;
  /** The client when id and secret match an enabled client; undefined otherwise (never says which part failed). */
  authenticate(clientId: string, secret: string): Promise<AuthenticatedClient | undefined>;
  /** An enabled client registered without a secret (a public client); undefined otherwise. */
  publicClient(clientId: string): Promise<AuthenticatedClient | undefined>;
}

function notFound(clientId: string) {
  return IdentityErrors.IDENTITY_CLIENT_NOT_FOUND(`no OAuth client ${clientId}`);
}

export function createClientService(ctx: ServiceContext<IdentityDB>): ClientService {
  const { database, outbox } = ctx;

  return {
    async create(input, actor) {
      assertKnownPermissions(input.scopes, '/body/scopes');
      const clientSecret = newSecretToken();
      const scopes = [...new Set(input.scopes)].sort();
      const grantTypes = [...new Set(input.grantTypes ?? ['client_credentials'])];
      const row = await database.transaction(async (trx) => {
        const inserted = await repo.insert(trx, {
          clientId: input.clientId,
          name: input.name,
          secretHash: sha256(clientSecret),
          scopes,
          grantTypes,
        });
        if (!inserted) throw IdentityErrors.IDENTITY_CLIENT_EXISTS(`client ${input.clientId} exists`);
        const data: IdentityClientCreatedV1 = {
          clientId: inserted.client_id,
          name: inserted.name,
          scopes,
          grantTypes,
          createdBy: actor,
        };
        await outbox.add(trx, { type: 'identity.client_created', subject: inserted.client_id, data });
        return inserted;
      });
      return { client: toClient(row), clientSecret };
    },

    async list(window) {
      const { items, totalCount } = await repo.list(database.db, window);
      return pageResult(items, window.page, window.pageSize, totalCount);
    },

    async get(clientId) {
      const row = await repo.find(database.db, clientId);
      if (!row) throw notFound(clientId);
      return toClient(row);
    },

    async disable(clientId, actor) {
      await database.transaction(async (trx) => {
        const row = await repo.find(trx, clientId, { forUpdate: true });
        if (!row) throw notFound(clientId);
        if (row.disabled_at) return;
        await repo.disable(trx, clientId);
        const data: IdentityClientDisabledV1 = { clientId, disabledBy: actor };
        await outbox.add(trx, { type: 'identity.client_disabled', subject: clientId, data });
      });
    },

    async rotateSecret(clientId, actor) {
      const clientSecret = newSecretToken();
      const row = await database.transaction(async (trx) => {
        const current = await repo.find(trx, clientId, { forUpdate: true });
        if (!current) throw notFound(clientId);
        const updated = await repo.setSecret(trx, clientId, sha256(clientSecret));
        const data: IdentityClientSecretRotatedV1 = { clientId, rotatedBy: actor };
        await outbox.add(trx, { type: 'identity.client_secret_rotated', subject: clientId, data });
        return updated;
      });
      return { client: toClient(row), clientSecret };
    },

    async authenticate(clientId, secret) {
      const row = await repo.find(database.db, clientId);
      // The digest is computed even for an unknown client, so timing says nothing about ids.
      const digest = sha256(secret);
      if (!row || row.disabled_at || !row.secret_hash || !sameDigest(digest, row.secret_hash))
        return undefined;
      return { clientId: row.client_id, scopes: row.scopes, grantTypes: row.grant_types };
    },

    async publicClient(clientId) {
      const row = await repo.find(database.db, clientId);
      if (!row || row.disabled_at || row.secret_hash) return undefined;
      return { clientId: row.client_id, scopes: row.scopes, grantTypes: row.grant_types };
    },
  };
}
