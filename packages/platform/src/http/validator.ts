import { AjvCompiler, type ValidatorFactory } from '@fastify/ajv-compiler';
import { SerializerSelector, type SerializerFactory } from '@fastify/fast-json-stringify-compiler';
import { nulPath, nulValidationError } from './request-guards.ts';

/** What Fastify calls a compiled validator with, and what it reads back from it. */
type Validate = ((data: unknown, ctx?: unknown) => unknown) & { errors?: unknown; schemaEnv?: unknown };

/** A compiled validator as the factory hands it to Fastify. */
type Compiled = ReturnType<ReturnType<ValidatorFactory>>;

/**
 * The kit's validator factory: one Ajv set up as the app's `ajv` option says for path
 * parameters, query strings and headers — which arrive as text, so `?page=2` is coerced to
 * 2 — and one without type coercion for bodies, where JSON has types of its own: a price
 * `"1999"`, `{"title": 42}` or a quantity `"1"` is a 400, not quietly converted. A body
 * holding a NUL character anywhere (values or keys) fails too (keyword `nul`, a
 * VALIDATION_FAILED naming the field), before its schema is applied.
 *
 * Each schema is compiled when its route first validates, not when the app starts: Ajv's
 * code generation for every route of the twelve services was the largest single cost of an
 * embedded start (~2.5 s of CPU), for routes most runs never call.
 */
export function bodyStrictValidators(): ValidatorFactory {
  const pool = AjvCompiler();
  return (externalSchemas, options) => {
    const coercing = pool(externalSchemas, options);
    const strict = pool(externalSchemas, {
      ...options,
      mode: undefined,
      customOptions: { ...options?.customOptions, coerceTypes: false },
    });
    return (route) => {
      const body = route.httpPart === 'body';
      let validate: Validate | undefined;
      const checked: Validate = (data, ctx) => {
        if (body) {
          const at = nulPath(data);
          if (at !== undefined) {
            checked.errors = [nulValidationError(at)];
            return false;
          }
        }
        validate ??= (body ? strict(route) : coercing(route)) as Validate;
        const ok = validate(data, ctx);
        checked.errors = validate.errors;
        return ok;
      };
      // Fastify hands Ajv functions (those with a schemaEnv) the parent object, so a schema
      // may replace the whole part (defaults at the root); every function Ajv compiles has one.
      checked.schemaEnv = true;
      return checked as Compiled;
    };
  };
}

/**
 * Fastify's own serializer factory (fast-json-stringify), compiling each response schema
 * when its route first answers with that status instead of at start-up (~1.5 s of CPU
 * for an embedded start); the same serializer from then on.
 */
export function lazySerializers(): SerializerFactory {
  const select = SerializerSelector();
  return (externalSchemas, options) => {
    const compile = select(externalSchemas, options);
    return (route) => {
      let serialize: ((doc: unknown) => string) | undefined;
      return (doc: unknown) => (serialize ??= compile(route))(doc);
    };
  };
}
