import { sql, type Kysely } from '@mercato/platform/db';
import { newId } from '@mercato/platform/ids';
import type { IdentityDB } from '../db.ts';

// Column added by migrations/0002_mfa_last_step.sql; only this module reads or writes it.
type WithLastStep = { users: { mfa_last_step: number | null } };
const withLastStep = (db: Kysely<IdentityDB>) => db.withTables<WithLastStep>();

/** SQL of MFA state: users.mfa_* columns and mfa_recovery_codes. */
export const mfaRepository = {
  /** Stores a pending (not yet confirmed) TOTP secret, replacing an earlier pending one. */
  async setPendingSecret(db: Kysely<IdentityDB>, userId: string, secret: string): Promise<void> {
    await withLastStep(db)
      .updateTable('users')
      .set({ mfa_secret: secret, mfa_enabled_at: null, mfa_last_step: null, updated_at: sql<Date>`now()` })
      .where('id', '=', userId)
      .where('mfa_enabled_at', 'is', null)
      .execute();
  },

  async enable(trx: Kysely<IdentityDB>, userId: string): Promise<void> {
    await trx
      .updateTable('users')
      .set({ mfa_enabled_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
      .where('id', '=', userId)
      .execute();
  },

  async disable(trx: Kysely<IdentityDB>, userId: string): Promise<void> {
    await withLastStep(trx)
      .updateTable('users')
      .set({ mfa_secret: null, mfa_enabled_at: null, mfa_last_step: null, updated_at: sql<Date>`now()` })
      .where('id', '=', userId)
      .execute();
    await trx.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
  },

  /**
   * Records a TOTP step as used, if it is later than the last one used: one conditional
   * UPDATE, so the same code cannot pass twice, not even in two concurrent requests.
   */
  async claimStep(trx: Kysely<IdentityDB>, userId: string, step: number): Promise<boolean> {
    const row = await withLastStep(trx)
      .updateTable('users')
      .set({ mfa_last_step: step })
      .where('id', '=', userId)
      .where((eb) => eb.or([eb('mfa_last_step', 'is', null), eb('mfa_last_step', '<', step)]))
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  },

  async replaceRecoveryCodes(trx: Kysely<IdentityDB>, userId: string, hashes: string[]): Promise<void> {
    await trx.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
    await trx
      .insertInto('mfa_recovery_codes')
      .values(hashes.map((codeHash) => ({ id: newId(), user_id: userId, code_hash: codeHash })))
      .execute();
  },

  /** Uses a recovery code once (a conditional UPDATE); false when unknown or already used. */
  async useRecoveryCode(trx: Kysely<IdentityDB>, userId: string, codeHash: string): Promise<boolean> {
    const row = await trx
      .updateTable('mfa_recovery_codes')
      .set({ used_at: sql<Date>`now()` })
      .where('user_id', '=', userId)
      .where('code_hash', '=', codeHash)
      .where('used_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  },

  async unusedRecoveryCodes(db: Kysely<IdentityDB>, userId: string): Promise<number> {
    const row = await db
      .selectFrom('mfa_recovery_codes')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },
};
