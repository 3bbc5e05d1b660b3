import type { Page } from '@mercato/platform/http';
import type { SettingChangedV1 } from '@mercato/contracts';
import { CommonErrors } from '@mercato/platform/errors';
import { requireVersion, type ExpectedVersion as Expected } from '@mercato/platform/http';
import { type ServiceContext, type Tx } from '@mercato/platform/service';
import { listAudit, insertAudit } from '../audit/audit-repository.ts';
import type { AuditEntry, ChangeMeta, PageRequest } from '../audit/audit.ts';
import type { SettingsDB } from '../db.ts';
import { SettingsErrors } from '../errors.ts';
import { settingRepository as repo } from './setting-repository.ts';
import type { Setting, SettingInput } from './setting.ts';
import { assertValueMatches, compileValueSchema } from './value-schema.ts';

/** Use cases of typed settings. */
export interface SettingService {
  list(q: PageRequest): Promise<Page<Setting>>;
  get(key: string): Promise<Setting>;
  /** Creates (when absent) or updates (If-Match required) a setting. */
  put(
    key: string,
    input: SettingInput,
    expected: Expected,
    meta: ChangeMeta,
  ): Promise<{ setting: Setting; created: boolean }>;
  remove(key: string, expected: Expected, meta: ChangeMeta): Promise<void>;
  history(key: string, page: number, pageSize: number): Promise<Page<AuditEntry>>;
}

function notFound(key: string) {
  return SettingsErrors.SETTINGS_SETTING_NOT_FOUND(`no setting ${key}`);
}

/** What audit rows hold: the setting without its timestamps (those are the row's `at`). */
function auditView(s: Setting) {
  return { key: s.key, description: s.description, value: s.value, schema: s.schema, version: s.version };
}

export function createSettingService(ctx: ServiceContext<SettingsDB>): SettingService {
  const { database, outbox } = ctx;

  function event(data: SettingChangedV1) {
    return { type: 'setting.changed' as const, subject: data.key, data };
  }

  async function create(trx: Tx<SettingsDB>, key: string, input: SettingInput, meta: ChangeMeta) {
    const schema = input.schema ?? {};
    assertValueMatches(key, schema, input.value);
    const setting = await repo.insert(trx, {
      key,
      description: input.description ?? null,
      value: input.value,
      schema,
      updatedBy: meta.actor,
    });
    if (!setting) {
      // Another request created it after our read: this is now an update, which needs If-Match.
      throw CommonErrors.PRECONDITION_REQUIRED(`setting ${key} was just created; read it and send If-Match`);
    }
    await insertAudit(
      trx,
      { entity: 'setting', key, action: 'created', before: null, after: auditView(setting) },
      meta,
    );
    await outbox.add(
      trx,
      event({
        key,
        action: 'created',
        value: setting.value,
        previousValue: null,
        version: 1,
        changedBy: meta.actor,
      }),
    );
    return setting;
  }

  async function update(trx: Tx<SettingsDB>, current: Setting, input: SettingInput, meta: ChangeMeta) {
    const schema = input.schema ?? current.schema;
    assertValueMatches(current.key, schema, input.value);
    const setting = await repo.update(trx, current, {
      description: input.description === undefined ? current.description : input.description,
      value: input.value,
      schema,
      updatedBy: meta.actor,
    });
    const audit = { before: auditView(current), after: auditView(setting) };
    await insertAudit(trx, { entity: 'setting', key: current.key, action: 'updated', ...audit }, meta);
    await outbox.add(
      trx,
      event({
        key: current.key,
        action: 'updated',
        value: setting.value,
        previousValue: current.value,
        version: setting.version,
        changedBy: meta.actor,
      }),
    );
    return setting;
  }

  return {
    list: (q) => repo.list(database.db, q),

    async get(key) {
      const setting = await repo.find(database.db, key);
      if (!setting) throw notFound(key);
      return setting;
    },

    async put(key, input, expected, meta) {
      // Check the schema before opening a transaction: a bad one never takes a lock.
      if (input.schema !== undefined) compileValueSchema(input.schema);
      return database.transaction(async (trx) => {
        const current = await repo.find(trx, key, { forUpdate: true });
        if (current) {
          requireVersion(expected, current.version);
          return { setting: await update(trx, current, input, meta), created: false };
        }
        // If-Match names a version of an existing resource; there is none (RFC 9110 §13.1.1).
        if (expected !== undefined) throw CommonErrors.PRECONDITION_FAILED(`setting ${key} does not exist`);
        return { setting: await create(trx, key, input, meta), created: true };
      });
    },

    async remove(key, expected, meta) {
      await database.transaction(async (trx) => {
        const current = await repo.find(trx, key, { forUpdate: true });
        if (!current) throw notFound(key);
        requireVersion(expected, current.version);
        await repo.delete(trx, key);
        await insertAudit(
          trx,
          { entity: 'setting', key, action: 'deleted', before: auditView(current), after: null },
          meta,
        );
        await outbox.add(
          trx,
          event({
            key,
            action: 'deleted',
            value: null,
            previousValue: current.value,
            version: current.version + 1,
            changedBy: meta.actor,
          }),
        );
      });
    },

    async history(key, page, pageSize) {
      const result = await listAudit(database.db, 'setting', key, page, pageSize);
      // Every setting's first change is its creation, so no entries means it never existed.
      if (result.totalCount === 0) throw notFound(key);
      return result;
    },
  };
}
