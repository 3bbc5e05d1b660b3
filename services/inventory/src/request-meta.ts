import { Type } from 'typebox';

/** Stock changes and reservations need inventory:write (admins, sellers, the checkout saga's client). */
export const WRITE = { permission: 'inventory:write' } as const;
/** Admin reads (levels per warehouse, the ledger, reservations) need inventory:read. */
export const READ = { permission: 'inventory:read' } as const;
export const Problem = Type.Ref('Problem');

export const SKU = Type.String({ minLength: 1, maxLength: 100, pattern: '^\\S+$' });
export const WAREHOUSE_CODE = Type.String({ pattern: '^[A-Z0-9][A-Z0-9_-]{0,31}$' });
export const Quantity = Type.Integer({ minimum: 1, maximum: 1_000_000_000 });
export const Note = Type.String({ maxLength: 500 });

/** The caller's principal id, recorded as `actor` (who) in the ledger and on reservations. */
export function actorOf(request: { principal?: { kind: string; subject: string } }): string {
  return request.principal ? request.principal.subject : 'anonymous';
}
