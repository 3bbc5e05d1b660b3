import { Type, type Static } from 'typebox';

const PerChannel = Type.Object({ email: Type.Boolean(), sms: Type.Boolean(), push: Type.Boolean() });
const Clock = Type.String({
  pattern: '^([01]\\d|2[0-3]):[0-5]\\d$',
  description: 'HH:MM',
  examples: ['22:00'],
});
const QuietHours = Type.Object(
  {
    start: Clock,
    end: Clock,
    timeZone: Type.String({ minLength: 1, maxLength: 64, examples: ['Europe/Berlin'] }),
  },
  { additionalProperties: false },
);

/** A customer's notification preferences. */
export const PreferencesSchema = Type.Object(
  {
    transactional: Type.Object(PerChannel.properties, {
      description: 'always sent: order and account messages',
    }),
    marketing: Type.Object(PerChannel.properties, {
      description: 'opt-in per channel (off until switched on)',
    }),
    quietHours: Type.Union([QuietHours, Type.Null()], {
      description: 'marketing falling inside waits until the window ends (start after end spans midnight)',
    }),
  },
  {
    examples: [
      {
        transactional: { email: true, sms: true, push: true },
        marketing: { email: true, sms: false, push: false },
        quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/Berlin' },
      },
    ],
  },
);
export type Preferences = Static<typeof PreferencesSchema>;

/** PUT /notifications/preferences body: the channels to change and the quiet hours (null removes them). */
export const PreferencesBody = Type.Object(
  {
    marketing: Type.Optional(Type.Partial(PerChannel, { additionalProperties: false })),
    quietHours: Type.Optional(Type.Union([QuietHours, Type.Null()])),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    examples: [
      { marketing: { email: true }, quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/Berlin' } },
    ],
  },
);
export type PreferencesInput = Static<typeof PreferencesBody>;
