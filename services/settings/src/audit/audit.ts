import { Type, type Static } from 'typebox';

/** One recorded change of a setting or feature flag. */
export const AuditEntrySchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  entity: Type.Union([Type.Literal('setting'), Type.Literal('feature_flag')]),
  key: Type.String(),
  action: Type.Union([Type.Literal('created'), Type.Literal('updated'), Type.Literal('deleted')]),
  before: Type.Unknown({ description: 'the resource before the change; null when created' }),
  after: Type.Unknown({ description: 'the resource after the change; null when deleted' }),
  actor: Type.Union([Type.String(), Type.Null()], {
    description: 'the verified caller (token subject) who made the change',
  }),
  correlationId: Type.Union([Type.String(), Type.Null()]),
  at: Type.String({ format: 'date-time' }),
});
export type AuditEntry = Static<typeof AuditEntrySchema>;

export type AuditEntity = AuditEntry['entity'];
export type AuditAction = AuditEntry['action'];

/** Who made a change and under which request: recorded in the audit log and the event. */
export interface ChangeMeta {
  actor: string | null;
  correlationId: string;
}

/** A page request as the use cases take it. */
export interface PageRequest {
  page: number;
  pageSize: number;
  search?: string;
}
