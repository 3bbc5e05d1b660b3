import { PageQuery } from '@mercato/platform/http';
import { Type, type Static } from 'typebox';

const DateTime = Type.String({ format: 'date-time' });
const Lifecycle = Type.Union([Type.Literal('active'), Type.Literal('paused'), Type.Literal('archived')], {
  description: 'a paused or archived campaign stops all its promotions',
});

const fields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Union([Type.String({ maxLength: 2000 }), Type.Null()]),
  status: Lifecycle,
  startsAt: Type.Union([DateTime, Type.Null()], {
    description: 'its promotions apply from then (and their own start)',
  }),
  endsAt: Type.Union([DateTime, Type.Null()], { description: 'until then (and their own end)' }),
};

/** A campaign: promotions grouped under one schedule and one switch. */
export const CampaignSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    ...fields,
    promotions: Type.Integer({ description: 'how many promotions it groups' }),
    version: Type.Integer(),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'Campaign' },
);
export type Campaign = Static<typeof CampaignSchema>;

export const CreateCampaignBody = Type.Object(
  {
    name: fields.name,
    description: Type.Optional(fields.description),
    status: Type.Optional(fields.status),
    startsAt: Type.Optional(fields.startsAt),
    endsAt: Type.Optional(fields.endsAt),
  },
  { additionalProperties: false, examples: [{ name: 'Black Friday', startsAt: '2026-11-27T00:00:00Z' }] },
);
export type CreateCampaignInput = Static<typeof CreateCampaignBody>;

export const UpdateCampaignBody = Type.Object(
  {
    name: Type.Optional(fields.name),
    description: Type.Optional(fields.description),
    status: Type.Optional(fields.status),
    startsAt: Type.Optional(fields.startsAt),
    endsAt: Type.Optional(fields.endsAt),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateCampaignInput = Static<typeof UpdateCampaignBody>;

export const CampaignQuery = Type.Object({
  ...PageQuery,
  search: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'matches the name' })),
  status: Type.Optional(Lifecycle),
});
export type CampaignFilter = Static<typeof CampaignQuery>;
