import type { TemplateParts } from './template-engine.ts';
import type { NotificationType } from './notification-types.ts';

/** The default locale: a type's templates fall back to it when the recipient's locale has none. */
export const DEFAULT_LOCALE = 'en';

const layout = (body: string) =>
  `<!doctype html><html><body style="font-family:sans-serif;max-width:560px;margin:auto">${body}<p style="color:#777">— {{shopName}}</p></body></html>`;

/**
 * The templates shipped with the service, per type and locale. The seed copies them into the
 * database for admins to edit; where no row exists these are used as they are.
 */
export const defaultTemplates: Record<NotificationType, Record<string, TemplateParts>> = {
  verify_email: {
    en: {
      subject: 'Confirm your email address for {{shopName}}',
      html: layout(
        '<p>Hello {{name}},</p><p>please confirm your email address:</p><p><a href="{{verificationUrl}}">Confirm my email address</a></p><p>The link works until {{expiresAt}}.</p>',
      ),
      text: 'Hello {{name}},\n\nplease confirm your email address by opening this link:\n{{verificationUrl}}\n\nThe link works until {{expiresAt}}.\n\n— {{shopName}}\n',
    },
    de: {
      subject: 'Bitte bestätigen Sie Ihre E-Mail-Adresse bei {{shopName}}',
      html: layout(
        '<p>Hallo {{name}},</p><p>bitte bestätigen Sie Ihre E-Mail-Adresse:</p><p><a href="{{verificationUrl}}">E-Mail-Adresse bestätigen</a></p><p>Der Link ist gültig bis {{expiresAt}}.</p>',
      ),
      text: 'Hallo {{name}},\n\nbitte bestätigen Sie Ihre E-Mail-Adresse über diesen Link:\n{{verificationUrl}}\n\nDer Link ist gültig bis {{expiresAt}}.\n\n— {{shopName}}\n',
    },
  },
  password_reset: {
    en: {
      subject: 'Reset your {{shopName}} password',
      html: layout(
        '<p>Hello {{name}},</p><p>someone asked to reset your password. If it was you:</p><p><a href="{{resetUrl}}">Choose a new password</a></p><p>The link works until {{expiresAt}}. If it was not you, ignore this email.</p>',
      ),
      text: 'Hello {{name}},\n\nsomeone asked to reset your password. If it was you, open:\n{{resetUrl}}\n\nThe link works until {{expiresAt}}. If it was not you, ignore this email.\n\n— {{shopName}}\n',
    },
    de: {
      subject: 'Passwort bei {{shopName}} zurücksetzen',
      html: layout(
        '<p>Hallo {{name}},</p><p>jemand möchte Ihr Passwort zurücksetzen. Wenn Sie es waren:</p><p><a href="{{resetUrl}}">Neues Passwort wählen</a></p><p>Der Link ist gültig bis {{expiresAt}}.</p>',
      ),
      text: 'Hallo {{name}},\n\njemand möchte Ihr Passwort zurücksetzen. Wenn Sie es waren, öffnen Sie:\n{{resetUrl}}\n\nDer Link ist gültig bis {{expiresAt}}.\n\n— {{shopName}}\n',
    },
  },
  password_changed: {
    en: {
      subject: 'Your {{shopName}} password was changed',
      html: layout(
        '<p>Hello {{name}},</p><p>your password was just changed ({{reason}}). If this was not you, reset it at once and contact us.</p>',
      ),
      text: 'Hello {{name}},\n\nyour password was just changed ({{reason}}). If this was not you, reset it at once and contact us.\n\n— {{shopName}}\n',
    },
  },
  account_locked: {
    en: {
      subject: 'Your {{shopName}} account is locked for a while',
      html: layout(
        '<p>Hello {{name}},</p><p>after several failed sign-ins your account is locked until {{lockedUntil}}. If this was not you, consider resetting your password.</p>',
      ),
      text: 'Hello {{name}},\n\nafter several failed sign-ins your account is locked until {{lockedUntil}}. If this was not you, consider resetting your password.\n\n— {{shopName}}\n',
    },
  },
  new_device_sign_in: {
    en: {
      subject: 'New sign-in to your {{shopName}} account',
      html: layout(
        '<p>Hello {{name}},</p><p>your account was just signed in to from a device it had not used before:</p><p>{{userAgent}}<br>from {{ipAddress}} at {{signedInAt}}</p><p>If this was you, there is nothing to do. If not, reset your password at once.</p>',
      ),
      text: 'Hello {{name}},\n\nyour account was just signed in to from a device it had not used before:\n{{userAgent}}\nfrom {{ipAddress}} at {{signedInAt}}\n\nIf this was you, there is nothing to do. If not, reset your password at once.\n\n— {{shopName}}\n',
    },
  },
  back_in_stock: {
    en: {
      subject: '{{sku}} is back in stock at {{shopName}}',
      html: layout(
        '<p>Hello {{name}},</p><p>good news: <strong>{{sku}}</strong>, which you asked about, is available again.</p><p><a href="{{shopUrl}}">Visit the shop</a></p>',
      ),
      text: 'Hello {{name}},\n\ngood news: {{sku}}, which you asked about, is available again.\n{{shopUrl}}\n\n— {{shopName}}\n',
    },
  },
  cart_reminder: {
    en: {
      subject: 'You left something in your {{shopName}} cart',
      html: layout(
        '<p>Hello {{name}},</p><p>your cart is waiting: {{items}} ({{subtotal}}).</p><p><a href="{{cartUrl}}">Back to my cart</a></p><p style="font-size:small"><a href="{{unsubscribeUrl}}">Unsubscribe</a></p>',
      ),
      text: 'Hello {{name}},\n\nyour cart is waiting: {{items}} ({{subtotal}}).\n{{cartUrl}}\n\nUnsubscribe: {{unsubscribeUrl}}\n',
    },
  },
  low_stock: {
    en: {
      subject: 'Low stock: {{sku}} ({{available}} left in {{warehouseCode}})',
      html: layout(
        '<p>{{sku}} in warehouse {{warehouseCode}} is down to <strong>{{available}}</strong> (threshold {{threshold}}).</p>',
      ),
      text: '{{sku}} in warehouse {{warehouseCode}} is down to {{available}} (threshold {{threshold}}).\n',
    },
  },
  order_confirmed: {
    en: {
      subject: 'Your {{shopName}} order {{orderNumber}} is confirmed',
      html: layout(
        '<p>Hello {{name}},</p><p>thank you: order <a href="{{orderUrl}}">{{orderNumber}}</a> is confirmed. Total: <strong>{{total}}</strong>.</p>',
      ),
      text: 'Hello {{name}},\n\nthank you: order {{orderNumber}} is confirmed. Total: {{total}}.\n{{orderUrl}}\n\n— {{shopName}}\n',
    },
  },
  order_shipped: {
    en: {
      subject: 'Order {{orderNumber}} is on its way',
      html: layout(
        '<p>Hello {{name}},</p><p>order <a href="{{orderUrl}}">{{orderNumber}}</a> has shipped. Tracking number: <strong>{{trackingNumber}}</strong>.</p>',
      ),
      text: 'Hello {{name}},\n\norder {{orderNumber}} has shipped. Tracking number: {{trackingNumber}}.\n{{orderUrl}}\n\n— {{shopName}}\n',
    },
  },
  order_delivered: {
    en: {
      subject: 'Order {{orderNumber}} was delivered',
      html: layout(
        '<p>Hello {{name}},</p><p>order <a href="{{orderUrl}}">{{orderNumber}}</a> was delivered. Enjoy!</p>',
      ),
      text: 'Hello {{name}},\n\norder {{orderNumber}} was delivered. Enjoy!\n{{orderUrl}}\n\n— {{shopName}}\n',
    },
  },
  order_cancelled: {
    en: {
      subject: 'Order {{orderNumber}} was cancelled',
      html: layout(
        '<p>Hello {{name}},</p><p>order <a href="{{orderUrl}}">{{orderNumber}}</a> was cancelled ({{reason}}). Refund due: {{refundDue}}.</p>',
      ),
      text: 'Hello {{name}},\n\norder {{orderNumber}} was cancelled ({{reason}}). Refund due: {{refundDue}}.\n{{orderUrl}}\n\n— {{shopName}}\n',
    },
  },
  order_refunded: {
    en: {
      subject: 'A refund for order {{orderNumber}}',
      html: layout(
        '<p>Hello {{name}},</p><p>we refunded {{amount}} for order <a href="{{orderUrl}}">{{orderNumber}}</a> ({{reason}}).</p>',
      ),
      text: 'Hello {{name}},\n\nwe refunded {{amount}} for order {{orderNumber}} ({{reason}}).\n{{orderUrl}}\n\n— {{shopName}}\n',
    },
  },
  announcement: {
    en: {
      subject: '{{headline}}',
      html: layout(
        '<p>Hello {{name}},</p><h1>{{headline}}</h1><p>{{body}}</p><p style="font-size:small"><a href="{{unsubscribeUrl}}">Unsubscribe</a></p>',
      ),
      text: 'Hello {{name}},\n\n{{headline}}\n\n{{body}}\n\nUnsubscribe: {{unsubscribeUrl}}\n',
    },
  },
};
