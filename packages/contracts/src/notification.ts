import { Type, type Static } from 'typebox';

// The notification service's events (subject = the message id). Data objects stay open
// (ARCHITECTURE.md §6). Neither carries the message's body: a verification or reset email
// holds a single-use link that must not travel further than the recipient.

const Channel = Type.Union([Type.Literal('email'), Type.Literal('sms'), Type.Literal('push')]);

const MessageFacts = {
  messageId: Type.String({ format: 'uuid' }),
  type: Type.String({ description: 'notification type, e.g. verify_email, low_stock' }),
  channel: Channel,
  category: Type.Union([Type.Literal('transactional'), Type.Literal('marketing'), Type.Literal('admin')]),
  userId: Type.Optional(Type.String({ format: 'uuid', description: 'the recipient account, when known' })),
  eventId: Type.Optional(
    Type.String({ format: 'uuid', description: 'the event that caused the message, when one did' }),
  ),
  attempts: Type.Integer({ minimum: 1, description: 'delivery attempts made, this one included' }),
};

/** `notification.sent` v1: a provider accepted the message (an SMTP server's 250, a webhook's 2xx). */
export const NotificationSentV1 = Type.Object(
  {
    ...MessageFacts,
    providerMessageId: Type.Optional(Type.String({ description: "the provider's id of the message" })),
    sentAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'NotificationSentV1' },
);
export type NotificationSentV1 = Static<typeof NotificationSentV1>;

/** `notification.failed` v1: the message was given up (a permanent refusal, or its last retry failed). */
export const NotificationFailedV1 = Type.Object(
  {
    ...MessageFacts,
    reason: Type.String({ description: "the provider's last answer or the error" }),
    permanent: Type.Boolean({ description: 'refused for good (e.g. SMTP 5xx) rather than out of retries' }),
    failedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'NotificationFailedV1' },
);
export type NotificationFailedV1 = Static<typeof NotificationFailedV1>;
