import type { ServiceContext } from '@mercato/platform/service';
import type { IdentityDB } from './db.ts';
import type { IdentityContext } from './identity-context.ts';
import { ensureBootstrapAdmin } from './users/bootstrap-admin.ts';

/**
 * Identity's seed (every embedded start, `mercato seed`): the first admin when none exists —
 * from BOOTSTRAP_ADMIN_* if set, else in embedded mode admin@mercato.local with a one-time
 * password printed to stdout. Idempotent.
 */
export async function seedIdentity(
  _ctx: ServiceContext<IdentityDB>,
  identity: IdentityContext,
): Promise<void> {
  await ensureBootstrapAdmin(identity);
}
