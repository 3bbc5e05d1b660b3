import type { Principal } from '@mercato/platform/auth';
import { Type } from 'typebox';
import type { ChangeMeta } from './audit/audit.ts';

/** Headers of create routes (none beyond the kit's), declared for OpenAPI. */
export const CreateHeaders = Type.Object({});

/** Headers of routes that change an existing resource. */
export const WriteHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({ description: 'the ETag (version) last read; required to change an existing resource' }),
  ),
});

/**
 * Actor and correlation id of a change, for the audit log and the event: the actor is the
 * verified caller (write routes require settings:write, so there always is one).
 */
export function changeMeta(request: { id: string; principal?: Principal }): ChangeMeta {
  return { actor: request.principal?.subject ?? null, correlationId: request.id };
}
