import { Type, type Static } from 'typebox';

export const LOCALE_PATTERN = '^[a-z]{2,3}(-[A-Z]{2})?$';

const Part = (max: number) => Type.String({ minLength: 1, maxLength: max });

/** PUT /templates/:type/:locale body: the three parts, in Handlebars (strict: unknown variables are refused). */
export const TemplateBody = Type.Object(
  { subject: Part(500), html: Part(100_000), text: Part(50_000) },
  {
    additionalProperties: false,
    examples: [{ subject: 'Welcome to {{shopName}}', html: '<p>Hello {{name}}</p>', text: 'Hello {{name}}' }],
  },
);
export type TemplateInput = Static<typeof TemplateBody>;

/** A template as the API returns it. */
export const TemplateSchema = Type.Object({
  type: Type.String(),
  locale: Type.String(),
  subject: Type.String(),
  html: Type.String(),
  text: Type.String(),
  source: Type.Union([Type.Literal('database'), Type.Literal('default')], {
    description: 'database: edited or seeded; default: shipped with the service, not yet in the database',
  }),
  version: Type.Integer({ minimum: 0, description: '0 while only the shipped default exists' }),
  updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
});
export type Template = Static<typeof TemplateSchema>;

/** POST /templates/:type/:locale/preview body: a draft to render (else the stored template) with data (else the sample). */
export const PreviewBody = Type.Object(
  {
    template: Type.Optional(TemplateBody),
    data: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);
export type PreviewInput = Static<typeof PreviewBody>;

export const RenderedSchema = Type.Object({
  subject: Type.String(),
  html: Type.String(),
  text: Type.String(),
});

/** A notification type as GET /notifications/types lists it. */
export const NotificationTypeSchema = Type.Object({
  type: Type.String(),
  category: Type.String(),
  description: Type.String(),
  variables: Type.Unknown({ description: 'JSON Schema of the data its templates may use' }),
  sample: Type.Unknown(),
  locales: Type.Array(Type.String()),
});
