import { pageResult, type Page } from '@mercato/platform/http';
import type { IdentityApiKeyCreatedV1, IdentityApiKeyRevokedV1 } from '@mercato/contracts/identity-oauth';
import { permissionsOf, type Principal } from '@mercato/platform/auth';
import { CommonErrors } from '@mercato/platform/errors';
import { newId } from '@mercato/platform/ids';
import { isUuid, sha256 } from '../accounts/secret-tokens.ts';
import { userRepository } from '../accounts/user-repository.ts';
import { IdentityErrors } from '../errors.ts';
import type { IdentityContext } from '../identity-context.ts';
import { assertKnownPermissions, sameDigest } from '../oauth/credentials.ts';
import { apiKeyPrefix, newApiKey, type ApiKey, type ApiKeyExchange, type NewApiKey } from './api-key.ts';
import { apiKeyRepository as repo, toApiKey } from './api-key-repository.ts';

/** API keys: created and revoked by their owners (or admins), exchanged by the gateway for tokens. */
export interface ApiKeyService {
  /** The new key (`key` appears here only) for the calling user. */
  create(caller: Principal, input: NewApiKey): Promise<{ apiKey: ApiKey; key: string }>;
  /** The caller's keys, or (with users:write) any user's. */
  list(caller: Principal, q: { userId?: string; page: number; pageSize: number }): Promise<Page<ApiKey>>;
  /** Revokes one of the caller's keys (any key with users:write); idempotent. */
  revoke(caller: Principal, id: string): Promise<void>;
  /** A short-lived access token acting as the key's owner; 401 for any unusable key. */
  exchange(key: string): Promise<ApiKeyExchange>;
}

// Exchanged tokens live at most this long: a revoked key stops working within minutes.
const EXCHANGE_TTL_SECONDS = 300;
const ADMIN = 'users:write';

const isAdmin = (p: Principal) => p.permissions.includes(ADMIN);

export function createApiKeyService(identity: IdentityContext): ApiKeyService {
  const { database, outbox } = identity.ctx;
  const invalid = () => IdentityErrors.IDENTITY_API_KEY_INVALID();

  async function activeOwner(userId: string) {
    const user = isUuid(userId) ? await userRepository.findById(database.db, userId) : undefined;
    return user && user.status === 'active' ? user : undefined;
  }

  function checkPermissions(requested: string[], roles: string[]): string[] {
    assertKnownPermissions(requested, '/body/permissions');
    const held = new Set<string>(permissionsOf(roles));
    const missing = requested.filter((p) => !held.has(p));
    if (missing.length > 0) {
      throw IdentityErrors.IDENTITY_PERMISSION_NOT_HELD(`you do not hold: ${missing.join(', ')}`);
    }
    return [...new Set(requested)].sort();
  }

  return {
    async create(caller, input) {
      // Keys act as a person: a service or a key-derived token cannot mint keys.
      if (caller.kind !== 'user') throw CommonErrors.FORBIDDEN('only a signed-in user can create API keys');
      const owner = await activeOwner(caller.subject);
      if (!owner)
        throw IdentityErrors.IDENTITY_USER_NOT_FOUND('your account no longer exists or is disabled');
      const permissions = checkPermissions(input.permissions, owner.roles);
      const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
      if (expiresAt && expiresAt.getTime() <= Date.now()) {
        throw CommonErrors.VALIDATION_FAILED(undefined, {
          errors: [{ path: '/body/expiresAt', message: 'must be in the future' }],
        });
      }
      return database.transaction(async (trx) => {
        // A prefix clash (36^8 values) is rare; a fresh draw resolves it.
        for (let attempt = 0; attempt < 5; attempt++) {
          const { key, prefix } = newApiKey();
          const row = await repo.insert(trx, {
            id: newId(),
            userId: owner.id,
            name: input.name,
            prefix,
            keyHash: sha256(key),
            permissions,
            expiresAt,
          });
          if (!row) continue;
          const apiKey = toApiKey(row);
          const data: IdentityApiKeyCreatedV1 = {
            apiKeyId: apiKey.id,
            userId: apiKey.userId,
            name: apiKey.name,
            permissions,
            expiresAt: apiKey.expiresAt,
            createdBy: caller.subject,
          };
          await outbox.add(trx, { type: 'identity.api_key_created', subject: apiKey.id, data });
          return { apiKey, key };
        }
        throw new Error('no free API key prefix after 5 draws');
      });
    },

    async list(caller, q) {
      const userId = q.userId ?? caller.subject;
      if (userId !== caller.subject && !isAdmin(caller)) {
        throw CommonErrors.FORBIDDEN(`listing another user's keys needs the permission ${ADMIN}`);
      }
      // A service principal's subject is a client id: it owns no keys.
      if (!isUuid(userId)) return pageResult([], q.page, q.pageSize, 0);
      const { items, totalCount } = await repo.listByUser(database.db, userId, q);
      return pageResult(items, q.page, q.pageSize, totalCount);
    },

    async revoke(caller, id) {
      await database.transaction(async (trx) => {
        const row = isUuid(id) ? await repo.find(trx, id, { forUpdate: true }) : undefined;
        // Someone else's key is "not found": its existence is not the caller's business.
        if (!row || (row.user_id !== caller.subject && !isAdmin(caller))) {
          throw IdentityErrors.IDENTITY_API_KEY_NOT_FOUND(`no API key ${id}`);
        }
        if (row.revoked_at) return;
        await repo.revoke(trx, id);
        const data: IdentityApiKeyRevokedV1 = {
          apiKeyId: id,
          userId: row.user_id,
          revokedBy: caller.subject,
        };
        await outbox.add(trx, { type: 'identity.api_key_revoked', subject: id, data });
      });
    },

    async exchange(key) {
      const prefix = apiKeyPrefix(key);
      const row = prefix ? await repo.findByPrefix(database.db, prefix) : undefined;
      if (!row || !sameDigest(sha256(key), row.key_hash) || row.revoked_at) throw invalid();
      const now = Date.now();
      const untilExpiry = row.expires_at ? Math.floor((row.expires_at.getTime() - now) / 1000) : Infinity;
      if (untilExpiry < 1) throw invalid();
      const owner = await activeOwner(row.user_id);
      if (!owner) throw invalid();
      // The owner may have lost a permission since the key was made: the token never exceeds today's.
      const held = new Set<string>(permissionsOf(owner.roles));
      const permissions = row.permissions.filter((p) => held.has(p));
      const ttl = Math.min(EXCHANGE_TTL_SECONDS, untilExpiry);
      const signed = await identity.tokens.signAccess(
        {
          subject: owner.id,
          kind: 'api_key',
          roles: owner.roles,
          permissions,
          scope: permissions.join(' '),
          tier: owner.tier,
          accountVersion: owner.version,
          apiKeyId: row.id,
        },
        ttl,
      );
      if (!row.last_used_at || now - row.last_used_at.getTime() >= 60_000)
        await repo.touch(database.db, row.id);
      return { accessToken: signed.token, expiresIn: ttl, subject: owner.id, tier: owner.tier };
    },
  };
}
