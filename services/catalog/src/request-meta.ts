import { Type } from 'typebox';

/** Writes are for admins (catalog:write); the store API stays public. */
export const WRITE = { permission: 'catalog:write' } as const;
export const Problem = Type.Ref('Problem');

/** Headers of routes that change an existing resource. */
export const WriteHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({ description: 'the ETag (version) last read; required to change an existing resource' }),
  ),
});

export const HANDLE_PATTERN = '^[a-z0-9][a-z0-9-]{0,119}$';
export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
