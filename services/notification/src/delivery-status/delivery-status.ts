import { Type, type Static } from 'typebox';

/** One report of the SMTP provider about a message it accepted. */
export const DeliveryReportSchema = Type.Object({
  id: Type.String({
    minLength: 1,
    maxLength: 200,
    description: "the provider's event id (a repeat changes nothing)",
  }),
  messageId: Type.String({
    minLength: 1,
    maxLength: 300,
    description: 'the message id, or the email’s Message-ID as sent (`<id@domain>`)',
  }),
  status: Type.Union([Type.Literal('delivered'), Type.Literal('bounced')]),
  at: Type.Optional(
    Type.String({ format: 'date-time', description: 'when it happened (default: received)' }),
  ),
  detail: Type.Optional(
    Type.String({ maxLength: 1000, description: "the receiving server's answer (a bounce's reason)" }),
  ),
});
export type DeliveryReport = Static<typeof DeliveryReportSchema>;

/** The webhook's body: a batch of reports. */
export const DeliveryStatusBody = Type.Object({
  events: Type.Array(DeliveryReportSchema, { minItems: 1, maxItems: 100 }),
});
export type DeliveryStatusInput = Static<typeof DeliveryStatusBody>;

/** What became of one report. */
export type ReportOutcome = 'applied' | 'duplicate' | 'unknown_message' | 'not_sent' | 'ignored';

export const DeliveryStatusResultSchema = Type.Object({
  received: Type.Integer(),
  results: Type.Array(
    Type.Object({
      id: Type.String(),
      outcome: Type.String({
        description:
          'applied; duplicate (this event id was applied before); unknown_message; not_sent (the message is not sent yet); ignored (delivered after a bounce)',
      }),
    }),
  ),
});
