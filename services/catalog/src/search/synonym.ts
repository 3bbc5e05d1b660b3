import { Type, type Static } from 'typebox';

const Term = Type.String({ minLength: 1, maxLength: 100, pattern: '[\\p{L}\\p{N}]', examples: ['sofa'] });

export const SynonymSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  terms: Type.Array(Type.String(), {
    description: 'words or phrases that stand for each other in search',
    examples: [['sofa', 'couch', 'settee']],
  }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type Synonym = Static<typeof SynonymSchema>;

/** A synonym group: a search for any of its terms also finds the others. */
export const SynonymBody = Type.Object(
  {
    terms: Type.Array(Term, {
      minItems: 2,
      maxItems: 20,
      uniqueItems: true,
      examples: [['sofa', 'couch', 'settee']],
    }),
  },
  { additionalProperties: false },
);
export type SynonymInput = Static<typeof SynonymBody>;
