import { CommonErrors } from '@mercato/platform/errors';
import type { Principal } from '@mercato/platform/auth';
import type { Self } from './profiles/profile-service.ts';

/** The signed-in caller of a `/customers/me` route (the route's auth is 'user'). */
export function selfOf(request: { principal?: Principal }): Self {
  const p = request.principal;
  if (!p) throw CommonErrors.UNAUTHORIZED('sign in to reach your own profile');
  if (p.kind === 'service') throw CommonErrors.FORBIDDEN('a service account has no customer profile');
  return p.email === undefined ? { subject: p.subject } : { subject: p.subject, email: p.email };
}
