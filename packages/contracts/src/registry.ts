import type { TSchema } from 'typebox';
import {
  PasswordChangedV1,
  PasswordResetRequestedV1,
  UserLockedV1,
  UserMfaChangedV1,
  UserRegisteredV1,
  UserRolesChangedV1,
  UserStatusChangedV1,
  UserVerifiedV1,
  VerificationRequestedV1,
} from './identity.ts';
import { FeatureFlagChangedV1, SettingChangedV1 } from './settings.ts';
import {
  IdentityApiKeyCreatedV1,
  IdentityApiKeyRevokedV1,
  IdentityClientCreatedV1,
  IdentityClientDisabledV1,
  IdentityClientSecretRotatedV1,
  IdentitySigningKeyRotatedV1,
} from './identity-oauth.ts';
import { PriceChangedV1, ProductChangedV1, ProductDeactivatedV1 } from './catalog.ts';
import {
  InventoryCommittedV1,
  InventoryLowStockV1,
  InventoryReleasedV1,
  InventoryReservedV1,
  InventoryStockChangedV1,
} from './inventory.ts';
import { RatingUpdatedV1 } from './review.ts';

/** One published event schema: its type, version and data schema. */
export interface EventSchemaEntry {
  type: string;
  version: number;
  schema: TSchema;
}

/**
 * Every event data schema Mercato publishes. schemas.test.ts snapshots each entry under
 * snapshots/<type>.v<version>.json and fails on an incompatible change; a breaking change
 * is a new version listed beside the old one.
 */
export const eventSchemas: EventSchemaEntry[] = [
  { type: 'setting.changed', version: 1, schema: SettingChangedV1 },
  { type: 'feature_flag.changed', version: 1, schema: FeatureFlagChangedV1 },
  { type: 'user.registered', version: 1, schema: UserRegisteredV1 },
  { type: 'identity.verification_requested', version: 1, schema: VerificationRequestedV1 },
  { type: 'user.verified', version: 1, schema: UserVerifiedV1 },
  { type: 'identity.password_reset_requested', version: 1, schema: PasswordResetRequestedV1 },
  { type: 'user.password_changed', version: 1, schema: PasswordChangedV1 },
  { type: 'user.locked', version: 1, schema: UserLockedV1 },
  { type: 'user.roles_changed', version: 1, schema: UserRolesChangedV1 },
  { type: 'user.disabled', version: 1, schema: UserStatusChangedV1 },
  { type: 'user.enabled', version: 1, schema: UserStatusChangedV1 },
  { type: 'user.mfa_enabled', version: 1, schema: UserMfaChangedV1 },
  { type: 'user.mfa_disabled', version: 1, schema: UserMfaChangedV1 },
  { type: 'identity.client_created', version: 1, schema: IdentityClientCreatedV1 },
  { type: 'identity.client_disabled', version: 1, schema: IdentityClientDisabledV1 },
  { type: 'identity.client_secret_rotated', version: 1, schema: IdentityClientSecretRotatedV1 },
  { type: 'identity.api_key_created', version: 1, schema: IdentityApiKeyCreatedV1 },
  { type: 'identity.api_key_revoked', version: 1, schema: IdentityApiKeyRevokedV1 },
  { type: 'identity.signing_key_rotated', version: 1, schema: IdentitySigningKeyRotatedV1 },
  { type: 'product.created', version: 1, schema: ProductChangedV1 },
  { type: 'product.updated', version: 1, schema: ProductChangedV1 },
  { type: 'product.deactivated', version: 1, schema: ProductDeactivatedV1 },
  { type: 'price.changed', version: 1, schema: PriceChangedV1 },
  { type: 'inventory.reserved', version: 1, schema: InventoryReservedV1 },
  { type: 'inventory.released', version: 1, schema: InventoryReleasedV1 },
  { type: 'inventory.committed', version: 1, schema: InventoryCommittedV1 },
  { type: 'inventory.stock_changed', version: 1, schema: InventoryStockChangedV1 },
  { type: 'inventory.low_stock', version: 1, schema: InventoryLowStockV1 },
  { type: 'rating.updated', version: 1, schema: RatingUpdatedV1 },
];
