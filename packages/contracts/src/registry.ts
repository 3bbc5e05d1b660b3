import type { Static, TSchema } from 'typebox';
import type { EventEnvelope } from './envelope.ts';
import {
  NewDeviceSignedInV1,
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
import {
  PaymentAuthorizedV1,
  PaymentCapturedV1,
  PaymentFailedV1,
  PaymentRefundedV1,
  PaymentRequiresActionV1,
  PaymentVoidedV1,
} from './payment.ts';
import { NotificationFailedV1, NotificationSentV1 } from './notification.ts';
import { RatingUpdatedV1 } from './review.ts';
import {
  ShipmentCreatedV1,
  ShipmentDeliveredV1,
  ShipmentDispatchedV1,
  ShipmentExceptionV1,
} from './shipping.ts';
import { CheckoutCompletedV1, CheckoutFailedV1 } from './checkout.ts';
import { CartAbandonedV1, CartCheckedOutV1, CartUpdatedV1 } from './cart.ts';
import { CustomerCreatedV1, CustomerUpdatedV1, LoyaltyPointsChangedV1 } from './customer.ts';
import {
  DiscountRedeemedV1,
  DiscountReleasedV1,
  DiscountReservedV1,
  PromotionChangedV1,
} from './discount.ts';
import {
  OrderCancelledV1,
  OrderCompletedV1,
  OrderConfirmedV1,
  OrderCreatedV1,
  OrderDeliveredV1,
  OrderPaidV1,
  OrderRefundedV1,
  OrderReturnRequestedV1,
  OrderShippedV1,
} from './order.ts';

/** One published event schema: its type, version and data schema. */
export interface EventSchemaEntry {
  type: string;
  version: number;
  schema: TSchema;
}

/**
 * Every event Mercato publishes, by type: its current version and data schema. The outbox
 * takes only these types, validates data against the schema when an event is written, and
 * consumers validate it again on receipt. schemas.test.ts snapshots each entry under
 * snapshots/<type>.v<version>.json and fails on an incompatible change; a breaking change
 * is a new version published beside the old one.
 */
export const eventRegistry = {
  'setting.changed': { version: 1, schema: SettingChangedV1 },
  'feature_flag.changed': { version: 1, schema: FeatureFlagChangedV1 },
  'user.registered': { version: 1, schema: UserRegisteredV1 },
  'identity.verification_requested': { version: 1, schema: VerificationRequestedV1 },
  'user.verified': { version: 1, schema: UserVerifiedV1 },
  'identity.password_reset_requested': { version: 1, schema: PasswordResetRequestedV1 },
  'user.password_changed': { version: 1, schema: PasswordChangedV1 },
  'user.locked': { version: 1, schema: UserLockedV1 },
  'user.new_device_signed_in': { version: 1, schema: NewDeviceSignedInV1 },
  'user.roles_changed': { version: 1, schema: UserRolesChangedV1 },
  'user.disabled': { version: 1, schema: UserStatusChangedV1 },
  'user.enabled': { version: 1, schema: UserStatusChangedV1 },
  'user.mfa_enabled': { version: 1, schema: UserMfaChangedV1 },
  'user.mfa_disabled': { version: 1, schema: UserMfaChangedV1 },
  'identity.client_created': { version: 1, schema: IdentityClientCreatedV1 },
  'identity.client_disabled': { version: 1, schema: IdentityClientDisabledV1 },
  'identity.client_secret_rotated': { version: 1, schema: IdentityClientSecretRotatedV1 },
  'identity.api_key_created': { version: 1, schema: IdentityApiKeyCreatedV1 },
  'identity.api_key_revoked': { version: 1, schema: IdentityApiKeyRevokedV1 },
  'identity.signing_key_rotated': { version: 1, schema: IdentitySigningKeyRotatedV1 },
  'product.created': { version: 1, schema: ProductChangedV1 },
  'product.updated': { version: 1, schema: ProductChangedV1 },
  'product.deactivated': { version: 1, schema: ProductDeactivatedV1 },
  'price.changed': { version: 1, schema: PriceChangedV1 },
  'inventory.reserved': { version: 1, schema: InventoryReservedV1 },
  'inventory.released': { version: 1, schema: InventoryReleasedV1 },
  'inventory.committed': { version: 1, schema: InventoryCommittedV1 },
  'inventory.stock_changed': { version: 1, schema: InventoryStockChangedV1 },
  'inventory.low_stock': { version: 1, schema: InventoryLowStockV1 },
  'rating.updated': { version: 1, schema: RatingUpdatedV1 },
  'discount.reserved': { version: 1, schema: DiscountReservedV1 },
  'discount.redeemed': { version: 1, schema: DiscountRedeemedV1 },
  'discount.released': { version: 1, schema: DiscountReleasedV1 },
  'promotion.changed': { version: 1, schema: PromotionChangedV1 },
  'shipment.created': { version: 1, schema: ShipmentCreatedV1 },
  'shipment.dispatched': { version: 1, schema: ShipmentDispatchedV1 },
  'shipment.delivered': { version: 1, schema: ShipmentDeliveredV1 },
  'shipment.exception': { version: 1, schema: ShipmentExceptionV1 },
  'payment.authorized': { version: 1, schema: PaymentAuthorizedV1 },
  'payment.requires_action': { version: 1, schema: PaymentRequiresActionV1 },
  'payment.captured': { version: 1, schema: PaymentCapturedV1 },
  'payment.failed': { version: 1, schema: PaymentFailedV1 },
  'payment.voided': { version: 1, schema: PaymentVoidedV1 },
  'payment.refunded': { version: 1, schema: PaymentRefundedV1 },
  'cart.updated': { version: 1, schema: CartUpdatedV1 },
  'cart.checked_out': { version: 1, schema: CartCheckedOutV1 },
  'cart.abandoned': { version: 1, schema: CartAbandonedV1 },
  'customer.created': { version: 1, schema: CustomerCreatedV1 },
  'customer.updated': { version: 1, schema: CustomerUpdatedV1 },
  'loyalty.points_changed': { version: 1, schema: LoyaltyPointsChangedV1 },
  'order.created': { version: 1, schema: OrderCreatedV1 },
  'order.confirmed': { version: 1, schema: OrderConfirmedV1 },
  'order.cancelled': { version: 1, schema: OrderCancelledV1 },
  'order.paid': { version: 1, schema: OrderPaidV1 },
  'order.shipped': { version: 1, schema: OrderShippedV1 },
  'order.delivered': { version: 1, schema: OrderDeliveredV1 },
  'order.completed': { version: 1, schema: OrderCompletedV1 },
  'order.refunded': { version: 1, schema: OrderRefundedV1 },
  'order.return_requested': { version: 1, schema: OrderReturnRequestedV1 },
  'checkout.completed': { version: 1, schema: CheckoutCompletedV1 },
  'checkout.failed': { version: 1, schema: CheckoutFailedV1 },
  'notification.sent': { version: 1, schema: NotificationSentV1 },
  'notification.failed': { version: 1, schema: NotificationFailedV1 },
} as const satisfies Record<string, { version: number; schema: TSchema }>;

/** A type of event Mercato publishes (`order.created`). */
export type EventType = keyof typeof eventRegistry;

/** The data of an event type, as its registered schema describes it. */
export type EventData<T extends EventType> = Static<(typeof eventRegistry)[T]['schema']>;

/** An envelope whose data is typed by its event type. */
export type TypedEvent<T extends EventType> = EventEnvelope<EventData<T>> & { type: T };

/** Whether a string is a registered event type. */
export function isEventType(type: string): type is EventType {
  return Object.hasOwn(eventRegistry, type);
}

/** Every registered schema as a list (the snapshot test walks it). */
export const eventSchemas: EventSchemaEntry[] = Object.entries(eventRegistry).map(([type, e]) => ({
  type,
  version: e.version,
  schema: e.schema,
}));
