import { Type } from 'typebox';

/** Writes are for admins (catalog:write); the store API stays public. */
export const WRITE = { permission: 'catalog:write' } as const;

export const HANDLE_PATTERN = '^[a-z0-9][a-z0-9-]{0,119}$';
export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
