import { Type, type Static } from 'typebox';

/** `rating.updated` v1: a product's approved-review rating changed (subject = the product id). */
export const RatingUpdatedV1 = Type.Object(
  {
    productId: Type.String({ format: 'uuid' }),
    average: Type.Number({
      minimum: 0,
      maximum: 5,
      description: 'mean of approved ratings (1–5); 0 when none',
    }),
    count: Type.Integer({ minimum: 0, description: 'approved reviews counted' }),
  },
  { $id: 'RatingUpdatedV1' },
);
export type RatingUpdatedV1 = Static<typeof RatingUpdatedV1>;
