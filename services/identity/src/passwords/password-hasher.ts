import { hash, verify, type Options } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import type { IdentityConfig } from '../config.ts';

/** argon2id hashing of passwords with the configured cost. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a wrong password or an unreadable hash (never throws on bad input). */
  verify(passwordHash: string, password: string): Promise<boolean>;
  /**
   * Verifies against a fixed hash of a random password: an unknown email costs the same
   * time as a known one, so response times do not tell which emails have accounts.
   */
  verifyDummy(password: string): Promise<void>;
}

const hashers = new WeakMap<IdentityConfig, PasswordHasher>();

/** The hasher for a configuration (one per identity instance: the dummy hash is made once). */
export function passwordHasherFor(config: IdentityConfig): PasswordHasher {
  let hasher = hashers.get(config);
  if (!hasher) {
    hasher = createPasswordHasher(config);
    hashers.set(config, hasher);
  }
  return hasher;
}

function createPasswordHasher(config: IdentityConfig): PasswordHasher {
  // 2 = Argon2id; the package's Algorithm is an ambient const enum, which isolated modules cannot read.
  const options: Options = {
    algorithm: 2,
    memoryCost: config.ARGON2_MEMORY_KIB,
    timeCost: config.ARGON2_TIME_COST,
  };
  let dummy: Promise<string> | undefined;

  async function check(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  }

  return {
    hash: (password) => hash(password, options),
    verify: check,
    async verifyDummy(password) {
      dummy ??= hash(randomBytes(24).toString('base64url'), options);
      await check(await dummy, password);
    },
  };
}
