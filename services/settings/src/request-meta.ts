import { Type } from 'typebox';
import type { ChangeMeta } from './audit/audit.ts';

const UserId = Type.Optional(
  Type.String({
    minLength: 1,
    maxLength: 200,
    description: 'acting user, recorded in the audit log (not verified until identity lands)',
  }),
);

/** Headers of create routes, declared for validation and OpenAPI. */
export const CreateHeaders = Type.Object({ 'x-user-id': UserId });

/** Headers of routes that change an existing resource. */
export const WriteHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({ description: 'the ETag (version) last read; required to change an existing resource' }),
  ),
  'x-user-id': UserId,
});

/**
 * Actor and correlation id of a change, for the audit log and the event. Write routes are
 * open until identity lands, so the actor is whatever `x-user-id` says (or null).
 */
export function changeMeta(request: {
  id: string;
  headers: Record<string, string | string[] | undefined>;
}): ChangeMeta {
  const raw = request.headers['x-user-id'];
  const actor = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  return { actor: actor ? actor : null, correlationId: request.id };
}
