import type { ServiceContext } from '@mercato/platform/http';
import type { IdentityDB } from './db.ts';
import { identityContextOf } from './identity-context.ts';
import { ensureBootstrapAdmin } from './users/bootstrap-admin.ts';

/**
 * Identity's seed (every embedded start, `mercato seed`): the first admin when none exists —
 * from BOOTSTRAP_ADMIN_* if set, else in embedded mode admin@mercato.local with a one-time
 * password printed to stdout. Idempotent.
 */
export async function seedIdentity(ctx: ServiceContext<IdentityDB>): Promise<void> {
  await ensureBootstrapAdmin(identityContextOf(ctx));
}
