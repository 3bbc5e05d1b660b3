import { Int32 } from '@mercato/contracts';
import { Type, type Static } from 'typebox';
import { HANDLE_PATTERN } from '../request-meta.ts';

export const BrandSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  handle: Type.String(),
  name: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type Brand = Static<typeof BrandSchema>;

export const CreateBrandBody = Type.Object(
  { handle: Type.String({ pattern: HANDLE_PATTERN }), name: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
export type CreateBrandInput = Static<typeof CreateBrandBody>;

export const UpdateBrandBody = Type.Object(
  {
    handle: Type.Optional(Type.String({ pattern: HANDLE_PATTERN })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateBrandInput = Static<typeof UpdateBrandBody>;

export const CategorySchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  handle: Type.String(),
  name: Type.String(),
  parentId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  position: Type.Integer(),
  path: Type.String({ description: "the ids from the root down to this category, '/'-separated" }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type Category = Static<typeof CategorySchema>;

export const CreateCategoryBody = Type.Object(
  {
    handle: Type.String({ pattern: HANDLE_PATTERN }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    parentId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
    position: Int32({ default: 0 }),
  },
  { additionalProperties: false },
);
export type CreateCategoryInput = Static<typeof CreateCategoryBody>;

/** PATCH body: a new parentId (null = root) and/or position moves the whole subtree. */
export const UpdateCategoryBody = Type.Object(
  {
    handle: Type.Optional(Type.String({ pattern: HANDLE_PATTERN })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    parentId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
    position: Type.Optional(Int32()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateCategoryInput = Static<typeof UpdateCategoryBody>;
