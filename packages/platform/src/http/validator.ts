import { AjvCompiler, type ValidatorFactory } from '@fastify/ajv-compiler';
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
      if (route.httpPart !== 'body') return coercing(route);
      const validate = strict(route) as Validate;
      const checked: Validate = (data, ctx) => {
        const at = nulPath(data);
        if (at !== undefined) {
          checked.errors = [nulValidationError(at)];
          return false;
        }
        const ok = validate(data, ctx);
        checked.errors = validate.errors;
        return ok;
      };
      // Fastify hands Ajv functions (those with a schemaEnv) the parent object, so a
      // schema may replace the whole body (defaults at the root).
      checked.schemaEnv = validate.schemaEnv;
      return checked as Compiled;
    };
  };
}
