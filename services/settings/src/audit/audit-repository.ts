import { fetchPage, type Kysely } from '@mercato/platform/db';
import { pageResult, type Page } from '@mercato/platform/http';
import { newId } from '@mercato/platform/ids';
import { jsonb } from '@mercato/platform/db';
import { type SettingsDB } from '../db.ts';
import type { AuditAction, AuditEntity, AuditEntry, ChangeMeta } from './audit.ts';

/** What one change records. */
export interface AuditRecord {
  entity: AuditEntity;
  key: string;
  action: AuditAction;
  before: unknown;
  after: unknown;
}

/** Writes an audit row; call it with the transaction that makes the change. */
export async function insertAudit(
  trx: Kysely<SettingsDB>,
  record: AuditRecord,
  meta: ChangeMeta,
): Promise<void> {
  await trx
    .insertInto('audit_log')
    .values({
      id: newId(),
      entity: record.entity,
      key: record.key,
      action: record.action,
      before: record.before === null ? null : jsonb(record.before),
      after: record.after === null ? null : jsonb(record.after),
      actor: meta.actor,
      correlation_id: meta.correlationId,
    })
    .execute();
}

/** A key's audit entries, newest first (UUIDv7 ids break ties within one timestamp). */
export async function listAudit(
  db: Kysely<SettingsDB>,
  entity: AuditEntity,
  key: string,
  page: number,
  pageSize: number,
): Promise<Page<AuditEntry>> {
  const where = db.selectFrom('audit_log').where('entity', '=', entity).where('key', '=', key);
  const { rows, totalCount } = await fetchPage(where, { page, pageSize }, (query) =>
    query.selectAll().orderBy('at', 'desc').orderBy('id', 'desc'),
  );
  return pageResult(
    rows.map((r) => ({
      id: r.id,
      entity: r.entity,
      key: r.key,
      action: r.action,
      before: r.before ?? null,
      after: r.after ?? null,
      actor: r.actor,
      correlationId: r.correlation_id,
      at: r.at.toISOString(),
    })),
    page,
    pageSize,
    totalCount,
  );
}
