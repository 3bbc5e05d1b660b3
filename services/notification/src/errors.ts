import { defineErrors } from '@mercato/platform/errors';

/** The notification service's error codes (listed in docs/errors.md). */
export const NotificationErrors = defineErrors({
  NOTIFICATION_TYPE_UNKNOWN: { status: 404, title: 'No such notification type' },
  NOTIFICATION_TEMPLATE_NOT_FOUND: { status: 404, title: 'No template for this type and locale' },
  NOTIFICATION_TEMPLATE_SYNTAX: { status: 400, title: 'The template does not parse' },
  NOTIFICATION_TEMPLATE_UNKNOWN_VARIABLE: {
    status: 400,
    title: 'The template uses a variable its notification type does not have',
  },
  NOTIFICATION_TEMPLATE_RENDER_FAILED: { status: 400, title: 'The template fails to render its sample data' },
  NOTIFICATION_DATA_INVALID: {
    status: 400,
    title: "The data does not match the notification type's variables",
  },
  NOTIFICATION_RECIPIENT_INVALID: {
    status: 400,
    title: 'The recipient address is not valid for the channel',
  },
  NOTIFICATION_MESSAGE_NOT_FOUND: { status: 404, title: 'Message not found' },
  NOTIFICATION_MESSAGE_NOT_FAILED: { status: 409, title: 'Only a failed message can be replayed' },
  NOTIFICATION_UNSUBSCRIBE_TOKEN_INVALID: { status: 400, title: 'The unsubscribe link is not valid' },
  NOTIFICATION_TIME_ZONE_INVALID: { status: 400, title: 'Unknown time zone' },
  NOTIFICATION_WEBHOOK_SIGNATURE_INVALID: {
    status: 400,
    title: 'The delivery-status webhook signature is missing, wrong or stale',
  },
  NOTIFICATION_WEBHOOK_MALFORMED: {
    status: 400,
    title: 'The delivery-status webhook body is not a batch of reports',
  },
  NOTIFICATION_WEBHOOK_NOT_CONFIGURED: {
    status: 503,
    title: 'The delivery-status webhook has no secret configured (NOTIFICATION_WEBHOOK_SECRET)',
  },
  NOTIFICATION_CONTACT_UNKNOWN: { status: 422, title: 'No email address is known for this account' },
});
