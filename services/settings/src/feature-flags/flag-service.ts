import type { Page } from '@mercato/platform/http';
import type { FeatureFlagChangedV1 } from '@mercato/contracts';
import { getOrLoad } from '@mercato/platform/cache';
import { requireVersion, type ExpectedVersion as Expected } from '@mercato/platform/http';
import { type ServiceContext } from '@mercato/platform/service';
import { insertAudit, listAudit } from '../audit/audit-repository.ts';
import type { AuditEntry, ChangeMeta, PageRequest } from '../audit/audit.ts';
import type { SettingsDB } from '../db.ts';
import { SettingsErrors } from '../errors.ts';
import { flagRepository as repo, type FlagFields } from './flag-repository.ts';
import { evaluateFlag } from './flag-rollout.ts';
import type { CreateFlagInput, Evaluation, FeatureFlag, UpdateFlagInput } from './flag.ts';

/** How long a flag read stays cached; every change also invalidates it at once. */
export const FLAG_CACHE_TTL_MS = 60_000;
/** How long "no such flag" stays cached (creating the flag invalidates it too). */
export const FLAG_MISSING_TTL_MS = 5_000;
/** Delay of the second invalidation (see invalidate). */
const REINVALIDATE_MS = 500;

/** Use cases of feature flags. Reads (get, evaluate) go through the cache. */
export interface FlagService {
  create(input: CreateFlagInput, meta: ChangeMeta): Promise<FeatureFlag>;
  list(q: PageRequest): Promise<Page<FeatureFlag>>;
  get(key: string): Promise<FeatureFlag>;
  update(key: string, patch: UpdateFlagInput, expected: Expected, meta: ChangeMeta): Promise<FeatureFlag>;
  remove(key: string, expected: Expected, meta: ChangeMeta): Promise<void>;
  history(key: string, page: number, pageSize: number): Promise<Page<AuditEntry>>;
  evaluate(key: string, subject: string): Promise<Evaluation>;
}

/** The cache key of a flag's state (also holds `null` for a known absence). */
export function flagCacheKey(key: string): string {
  return `flag:${key}`;
}

function notFound(key: string) {
  return SettingsErrors.SETTINGS_FLAG_NOT_FOUND(`no feature flag ${key}`);
}

function unique(list: string[] | undefined): string[] {
  return [...new Set(list ?? [])];
}

export function createFlagService(ctx: ServiceContext<SettingsDB>): FlagService {
  const { database, outbox, cache, logger } = ctx;
  const onCacheError = (err: unknown, op: string) => logger.warn({ err, op }, 'feature flag cache failed');
  // Per flag: flags are few and made by admins, and dashboards chart each one's exposure.
  const evaluations = ctx.metrics.counter({
    name: 'flag_evaluations_total',
    help: 'Feature flag evaluations by flag and result (enabled, disabled)',
    labelNames: ['flag', 'result'],
  });

  function event(data: FeatureFlagChangedV1) {
    return { type: 'feature_flag.changed' as const, subject: data.key, data };
  }

  /** The flag, from the cache when possible: no SQL on a hit, one load per key on a miss. */
  async function read(key: string): Promise<FeatureFlag | undefined> {
    const k = flagCacheKey(key);
    const flag = await getOrLoad<FeatureFlag | null | undefined>(
      cache,
      k,
      FLAG_CACHE_TTL_MS,
      async () => {
        const found = await repo.find(database.db, key);
        if (found) return found;
        // getOrLoad stores every value with one TTL and skips undefined: the absence is
        // stored here, under a shorter TTL, so a miss is not cached for a full minute.
        await cache.set(k, null, FLAG_MISSING_TTL_MS).catch((err: unknown) => onCacheError(err, 'set'));
        return undefined;
      },
      { onCacheError },
    );
    return flag ?? undefined;
  }

  /**
   * Drops the cached state after a change committed. A read that loaded the old row just
   * before the commit may store it just after this delete; the second delete bounds that
   * staleness to REINVALIDATE_MS instead of the TTL. A cache failure is logged, not thrown:
   * the change is committed and the TTL still bounds staleness.
   */
  async function invalidate(key: string): Promise<void> {
    const k = flagCacheKey(key);
    await cache.delete(k).catch((err: unknown) => onCacheError(err, 'delete'));
    setTimeout(() => {
      cache.delete(k).catch((err: unknown) => onCacheError(err, 'delete'));
    }, REINVALIDATE_MS).unref();
  }

  return {
    async create(input, meta) {
      const fields: FlagFields = {
        description: input.description ?? null,
        enabled: input.enabled,
        rolloutPercentage: input.rolloutPercentage,
        allowList: unique(input.allowList),
        denyList: unique(input.denyList),
      };
      const flag = await database.transaction(async (trx) => {
        const created = await repo.insert(trx, input.key, fields);
        if (!created) throw SettingsErrors.SETTINGS_FLAG_EXISTS(`feature flag ${input.key} already exists`);
        await insertAudit(
          trx,
          { entity: 'feature_flag', key: input.key, action: 'created', before: null, after: created },
          meta,
        );
        await outbox.add(
          trx,
          event({ key: input.key, action: 'created', flag: created, version: created.version }),
        );
        return created;
      });
      await invalidate(input.key); // a cached "not found"
      return flag;
    },

    list: (q) => repo.list(database.db, q),

    async get(key) {
      const flag = await read(key);
      if (!flag) throw notFound(key);
      return flag;
    },

    async update(key, patch, expected, meta) {
      const flag = await database.transaction(async (trx) => {
        const current = await repo.find(trx, key, { forUpdate: true });
        if (!current) throw notFound(key);
        requireVersion(expected, current.version);
        const updated = await repo.update(trx, current, {
          description: patch.description === undefined ? current.description : patch.description,
          enabled: patch.enabled ?? current.enabled,
          rolloutPercentage: patch.rolloutPercentage ?? current.rolloutPercentage,
          allowList: patch.allowList === undefined ? current.allowList : unique(patch.allowList),
          denyList: patch.denyList === undefined ? current.denyList : unique(patch.denyList),
        });
        await insertAudit(
          trx,
          { entity: 'feature_flag', key, action: 'updated', before: current, after: updated },
          meta,
        );
        await outbox.add(trx, event({ key, action: 'updated', flag: updated, version: updated.version }));
        return updated;
      });
      await invalidate(key);
      return flag;
    },

    async remove(key, expected, meta) {
      await database.transaction(async (trx) => {
        const current = await repo.find(trx, key, { forUpdate: true });
        if (!current) throw notFound(key);
        requireVersion(expected, current.version);
        await repo.delete(trx, key);
        await insertAudit(
          trx,
          { entity: 'feature_flag', key, action: 'deleted', before: current, after: null },
          meta,
        );
        await outbox.add(trx, event({ key, action: 'deleted', flag: null, version: current.version + 1 }));
      });
      await invalidate(key);
    },

    async history(key, page, pageSize) {
      const result = await listAudit(database.db, 'feature_flag', key, page, pageSize);
      // Every flag's first change is its creation, so no entries means it never existed.
      if (result.totalCount === 0) throw notFound(key);
      return result;
    },

    async evaluate(key, subject) {
      const flag = await read(key);
      if (!flag) throw notFound(key);
      const result = evaluateFlag(flag, subject);
      evaluations.inc({ flag: key, result: result.enabled ? 'enabled' : 'disabled' });
      return { key, subject, ...result };
    },
  };
}
