import { randomBytes, randomInt } from 'node:crypto';
import { Type, type Static } from 'typebox';

/** An API key as its owner sees it in lists: never the key or its hash. */
export const ApiKeySchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  userId: Type.String({ format: 'uuid', description: 'the owner' }),
  name: Type.String(),
  prefix: Type.String({ description: 'the 8 characters after mk_, to recognise the key' }),
  permissions: Type.Array(Type.String()),
  expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});
export type ApiKey = Static<typeof ApiKeySchema>;

/** What a user asks for when creating a key. */
export interface NewApiKey {
  name: string;
  permissions: string[];
  expiresAt?: string;
}

/** What the gateway gets for a valid key: a short-lived access token acting as the owner. */
export interface ApiKeyExchange {
  accessToken: string;
  expiresIn: number;
  subject: string;
  tier: 'authenticated' | 'premium';
}

const PREFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const KEY_SHAPE = /^mk_([a-z0-9]{8})_([A-Za-z0-9_-]{43})$/;

/**
 * A new key `mk_<prefix>_<secret>`: the prefix (8 of [a-z0-9]) finds the row, the secret
 * (32 random bytes, base64url) proves the key. Only the sha256 of the whole key is stored.
 */
export function newApiKey(): { key: string; prefix: string } {
  let prefix = '';
  for (let i = 0; i < 8; i++) prefix += PREFIX_ALPHABET[randomInt(PREFIX_ALPHABET.length)];
  return { key: `mk_${prefix}_${randomBytes(32).toString('base64url')}`, prefix };
}

/** The prefix of a well-formed key; undefined for anything else. */
export function apiKeyPrefix(key: string): string | undefined {
  return KEY_SHAPE.exec(key)?.[1];
}
