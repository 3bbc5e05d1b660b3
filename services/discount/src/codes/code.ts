import { PageQuery } from '@mercato/platform/http';
import { Type, type Static } from 'typebox';

const Uuid = Type.String({ format: 'uuid' });

export const CodeSchema = Type.Object(
  {
    id: Uuid,
    promotionId: Uuid,
    batchId: Type.Union([Uuid, Type.Null()]),
    code: Type.String({ description: 'upper case; matched case-insensitively' }),
    usageLimit: Type.Union([Type.Integer(), Type.Null()]),
    uses: Type.Integer({ description: 'held and committed' }),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'DiscountCode' },
);
export type Code = Static<typeof CodeSchema>;

export const CreateCodeBody = Type.Object(
  {
    code: Type.String({
      minLength: 3,
      maxLength: 64,
      pattern: '^\\s*[A-Za-z0-9_-]+\\s*$',
      examples: ['WELCOME10'],
    }),
    usageLimit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000_000 })),
  },
  { additionalProperties: false },
);
export type CreateCodeInput = Static<typeof CreateCodeBody>;

export const CreateBatchBody = Type.Object(
  {
    count: Type.Integer({ minimum: 1, maximum: 10_000 }),
    prefix: Type.String({ pattern: '^[A-Z0-9-]{0,16}$', default: '', description: 'e.g. SPRING-' }),
    length: Type.Integer({
      minimum: 6,
      maximum: 20,
      default: 10,
      description: 'random characters after the prefix',
    }),
    usageLimit: Type.Union([Type.Integer({ minimum: 1, maximum: 1_000_000 }), Type.Null()], {
      default: 1,
      description: 'uses per code; default 1 (single use), null: unlimited',
    }),
  },
  { additionalProperties: false, examples: [{ count: 10000, prefix: 'SPRING-' }] },
);
export type CreateBatchInput = Static<typeof CreateBatchBody>;

export const BatchSchema = Type.Object(
  {
    id: Uuid,
    promotionId: Uuid,
    count: Type.Integer(),
    prefix: Type.String(),
    usageLimit: Type.Union([Type.Integer(), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
    csv: Type.String({ description: 'where the codes are exported as CSV' }),
  },
  { $id: 'DiscountCodeBatch' },
);
export type Batch = Static<typeof BatchSchema>;

export const CodeQuery = Type.Object({
  ...PageQuery,
  search: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'part of the code' })),
  batchId: Type.Optional(Uuid),
});
export type CodeFilter = Static<typeof CodeQuery>;
