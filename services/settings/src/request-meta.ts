import { actorOf, type Principal } from '@mercato/platform/auth';
import type { ChangeMeta } from './audit/audit.ts';

/** Actor and correlation id of a change, for the audit log and the event. */
export function changeMeta(request: { id: string; principal?: Principal }): ChangeMeta {
  return { actor: actorOf(request), correlationId: request.id };
}
