import { PageQuery } from '@mercato/platform/http';
import { Type, type Static } from 'typebox';

const Channel = Type.Union([Type.Literal('email'), Type.Literal('sms'), Type.Literal('push')]);
const Status = Type.Union([
  Type.Literal('queued'),
  Type.Literal('sending'),
  Type.Literal('sent'),
  Type.Literal('delivered'),
  Type.Literal('bounced'),
  Type.Literal('failed'),
]);
const NullableString = Type.Union([Type.String(), Type.Null()]);

/** A message in the delivery log. */
export const MessageSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  type: Type.String(),
  category: Type.String(),
  channel: Channel,
  recipient: Type.String(),
  userId: NullableString,
  locale: Type.String(),
  subject: Type.String(),
  status: Status,
  attempts: Type.Integer({ minimum: 0 }),
  nextAttemptAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'when a queued message is due (a retry, quiet hours, the rate limit)',
  }),
  providerMessageId: NullableString,
  lastError: NullableString,
  eventId: NullableString,
  createdAt: Type.String({ format: 'date-time' }),
  sentAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type Message = Static<typeof MessageSchema>;

/** One message with its bodies and every delivery attempt (the provider's answers). */
export const MessageDetailSchema = Type.Object({
  ...MessageSchema.properties,
  text: Type.String(),
  html: Type.String(),
  deliveries: Type.Array(
    Type.Object({
      attempt: Type.Integer(),
      outcome: Type.Union([
        Type.Literal('sent'),
        Type.Literal('retry'),
        Type.Literal('failed'),
        Type.Literal('deferred'),
        Type.Literal('delivered'),
        Type.Literal('bounced'),
      ]),
      providerResponse: NullableString,
      durationMs: Type.Integer(),
      at: Type.String({ format: 'date-time' }),
    }),
  ),
});
export type MessageDetail = Static<typeof MessageDetailSchema>;

export const MessageListQuery = Type.Object({
  ...PageQuery,
  status: Type.Optional(Status),
  recipient: Type.Optional(Type.String({ maxLength: 254 })),
  type: Type.Optional(Type.String({ maxLength: 64 })),
});

/** POST /notifications/messages: an admin sends a notification of a type to one recipient. */
export const SendBody = Type.Object(
  {
    type: Type.String({ minLength: 1, maxLength: 64 }),
    channel: Type.Optional(Channel),
    to: Type.String({
      minLength: 1,
      maxLength: 254,
      description: 'an email address, an E.164 number (sms) or a device token (push)',
    }),
    userId: Type.Optional(
      Type.String({ format: 'uuid', description: 'the account (needed for marketing: consent)' }),
    ),
    locale: Type.Optional(Type.String({ pattern: '^[a-z]{2,3}(-[A-Z]{2})?$' })),
    data: Type.Record(Type.String(), Type.Unknown()),
  },
  {
    additionalProperties: false,
    examples: [
      {
        type: 'low_stock',
        to: 'ops@example.com',
        data: { sku: 'TSHIRT-RED-M', warehouseCode: 'MAIN', available: 3, threshold: 5 },
      },
    ],
  },
);
export type SendInput = Static<typeof SendBody>;

export const SendResultSchema = Type.Object({
  outcome: Type.Union([Type.Literal('queued'), Type.Literal('suppressed')]),
  messageId: Type.Optional(Type.String({ format: 'uuid' })),
  reason: Type.Optional(Type.String()),
});
