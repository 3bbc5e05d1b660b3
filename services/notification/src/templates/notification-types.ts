import { Type, type Static, type TObject } from 'typebox';
import type { Category } from '../db.ts';

// The notification types the service sends: each with its category (preferences apply by
// category), its variables (what a template may use, checked when a template is saved) and
// sample data (what the preview renders and what a saved template must render).

const Url = Type.String({ minLength: 1 });

const Common = {
  name: Type.String({ description: "the recipient's display name (the address when none is known)" }),
  shopName: Type.String(),
};

export const notificationTypes = {
  verify_email: {
    category: 'transactional',
    description: 'The email-verification link after sign-up (identity.verification_requested)',
    variables: Type.Object({ ...Common, verificationUrl: Url, expiresAt: Type.String() }),
    sample: {
      name: 'Ada Lovelace',
      shopName: 'Mercato',
      verificationUrl: 'http://localhost:8080/verify-email?token=sample',
      expiresAt: '2026-01-02T10:00:00.000Z',
    },
  },
  password_reset: {
    category: 'transactional',
    description: 'The password-reset link (identity.password_reset_requested)',
    variables: Type.Object({ ...Common, resetUrl: Url, expiresAt: Type.String() }),
    sample: {
      name: 'Ada Lovelace',
      shopName: 'Mercato',
      resetUrl: 'http://localhost:8080/reset-password?token=sample',
      expiresAt: '2026-01-02T10:00:00.000Z',
    },
  },
  password_changed: {
    category: 'transactional',
    description: 'The password was changed or reset (user.password_changed)',
    variables: Type.Object({ ...Common, reason: Type.String() }),
    sample: { name: 'Ada Lovelace', shopName: 'Mercato', reason: 'reset' },
  },
  account_locked: {
    category: 'transactional',
    description: 'Repeated failed sign-ins locked the account (user.locked)',
    variables: Type.Object({ ...Common, lockedUntil: Type.String() }),
    sample: { name: 'Ada Lovelace', shopName: 'Mercato', lockedUntil: '2026-01-02T10:15:00.000Z' },
  },
  new_device_sign_in: {
    category: 'transactional',
    description: 'A sign-in from a device the account had not used (user.new_device_signed_in)',
    variables: Type.Object({
      ...Common,
      userAgent: Type.String(),
      ipAddress: Type.String(),
      signedInAt: Type.String(),
    }),
    sample: {
      name: 'Ada Lovelace',
      shopName: 'Mercato',
      userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Safari/604.1',
      ipAddress: '203.0.113.7',
      signedInAt: '2026-01-02T10:00:00.000Z',
    },
  },
  back_in_stock: {
    category: 'transactional',
    description:
      'A SKU the customer asked about is available again (a stock alert and inventory.stock_changed); sent once per request',
    variables: Type.Object({ ...Common, sku: Type.String(), shopUrl: Url }),
    sample: {
      name: 'Ada Lovelace',
      shopName: 'Mercato',
      sku: 'TSHIRT-RED-M',
      shopUrl: 'http://localhost:8080',
    },
  },
  cart_reminder: {
    category: 'marketing',
    description:
      'Items left in a cart (cart.abandoned), to customers with marketing consent for email only (opt-in, quiet hours, unsubscribe link)',
    variables: Type.Object({
      ...Common,
      items: Type.String({ description: 'the lines, e.g. "2 × Octopus tee, 1 × Mug"' }),
      subtotal: Type.String(),
      cartUrl: Url,
      unsubscribeUrl: Url,
    }),
    sample: {
      name: 'Ada Lovelace',
      shopName: 'Mercato',
      items: '2 × Octopus tee, M, 1 × Mug',
      subtotal: '€39.00',
      cartUrl: 'http://localhost:8080/cart',
      unsubscribeUrl: 'http://localhost:8080/api/v1/notifications/unsubscribe?token=sample',
    },
  },
  low_stock: {
    category: 'admin',
    description: "A SKU's availability crossed its threshold downwards (inventory.low_stock), to the admins",
    variables: Type.Object({
      ...Common,
      sku: Type.String(),
      warehouseCode: Type.String(),
      available: Type.Integer(),
      threshold: Type.Integer(),
    }),
    sample: {
      name: 'Admin',
      shopName: 'Mercato',
      sku: 'TSHIRT-RED-M',
      warehouseCode: 'MAIN',
      available: 3,
      threshold: 5,
    },
  },
  order_confirmed: {
    category: 'transactional',
    description: 'Order confirmed (order.confirmed), to the email the order carries',
    variables: Type.Object({ ...Common, orderNumber: Type.String(), orderUrl: Url, total: Type.String() }),
    sample: {
      name: 'Ada Lovelace',
      shopName: 'Mercato',
      orderNumber: 'MC-0000042',
      orderUrl: 'http://localhost:8080/orders/0190a000-0000-7000-8000-000000000042',
      total: '€49.90',
    },
  },
  order_shipped: {
    category: 'transactional',
    description: 'The order left the warehouse (order.shipped), with its tracking number',
    variables: Type.Object({
      ...Common,
      orderNumber: Type.String(),
      orderUrl: Url,
      trackingNumber: Type.String(),
    }),
    sample: {
      name: 'Ada Lovelace',
      shopName: 'Mercato',
      orderNumber: 'MC-0000042',
      orderUrl: 'http://localhost:8080/orders/0190a000-0000-7000-8000-000000000042',
      trackingNumber: 'TRK123456',
    },
  },
  order_delivered: {
    category: 'transactional',
    description: 'The carrier delivered the order (order.delivered)',
    variables: Type.Object({ ...Common, orderNumber: Type.String(), orderUrl: Url }),
    sample: {
      name: 'Ada Lovelace',
      shopName: 'Mercato',
      orderNumber: 'MC-0000042',
      orderUrl: 'http://localhost:8080/orders/0190a000-0000-7000-8000-000000000042',
    },
  },
  order_cancelled: {
    category: 'transactional',
    description: 'The order was cancelled (order.cancelled), with what is refunded',
    variables: Type.Object({
      ...Common,
      orderNumber: Type.String(),
      orderUrl: Url,
      refundDue: Type.String(),
      reason: Type.String(),
    }),
    sample: {
      name: 'Ada Lovelace',
      shopName: 'Mercato',
      orderNumber: 'MC-0000042',
      orderUrl: 'http://localhost:8080/orders/0190a000-0000-7000-8000-000000000042',
      refundDue: '€49.90',
      reason: 'customer request',
    },
  },
  order_refunded: {
    category: 'transactional',
    description: 'Money went back (order.refunded)',
    variables: Type.Object({
      ...Common,
      orderNumber: Type.String(),
      orderUrl: Url,
      amount: Type.String(),
      reason: Type.String(),
    }),
    sample: {
      name: 'Ada Lovelace',
      shopName: 'Mercato',
      orderNumber: 'MC-0000042',
      orderUrl: 'http://localhost:8080/orders/0190a000-0000-7000-8000-000000000042',
      amount: '€10.00',
      reason: 'damaged',
    },
  },
  announcement: {
    category: 'marketing',
    description: 'A marketing message an admin sends (opt-in per channel, quiet hours, unsubscribe link)',
    variables: Type.Object({ ...Common, headline: Type.String(), body: Type.String(), unsubscribeUrl: Url }),
    sample: {
      name: 'Ada Lovelace',
      shopName: 'Mercato',
      headline: 'Spring sale',
      body: 'Everything 20% off this week.',
      unsubscribeUrl: 'http://localhost:8080/api/v1/notifications/unsubscribe?token=sample',
    },
  },
} as const satisfies Record<
  string,
  { category: Category; description: string; variables: TObject; sample: Record<string, unknown> }
>;

/** A notification type the service knows. */
export type NotificationType = keyof typeof notificationTypes;

/** The variables of a type, as its schema describes them. */
export type VariablesOf<T extends NotificationType> = Static<(typeof notificationTypes)[T]['variables']>;

export const NOTIFICATION_TYPES = Object.keys(notificationTypes) as NotificationType[];

export function isNotificationType(type: string): type is NotificationType {
  return Object.hasOwn(notificationTypes, type);
}
