import { validationFieldErrors } from '@mercato/platform/http';
import { Ajv, type Plugin, type ValidateFunction } from 'ajv';
import { createRequire } from 'node:module';
import { SettingsErrors } from '../errors.ts';

// ajv-formats is CommonJS whose typings NodeNext cannot call; require gives the plugin function
// (the kit's http/app.ts does the same).
const addFormats = createRequire(import.meta.url)('ajv-formats') as Plugin<unknown>;

// One Ajv for every setting schema (JSON Schema draft-07). strict: an unknown keyword or
// format is a mistake in the schema (400), not something to ignore silently. addUsedSchema
// off: two settings may use the same `$id` without clashing in the instance.
const ajv = new Ajv({
  allErrors: true,
  strict: true,
  strictTypes: false,
  strictTuples: false,
  strictRequired: false,
  addUsedSchema: false,
  logger: false,
});
addFormats(ajv);

// Compiling costs far more than validating; settings share few distinct schemas.
const compiled = new Map<string, ValidateFunction>();
const MAX_COMPILED = 500;

/** Compiles a setting's JSON Schema; a schema that does not compile is SETTINGS_SCHEMA_INVALID (400). */
export function compileValueSchema(schema: unknown): ValidateFunction {
  const text = JSON.stringify(schema);
  const hit = compiled.get(text);
  if (hit) return hit;
  if (
    typeof schema !== 'boolean' &&
    (typeof schema !== 'object' || schema === null || Array.isArray(schema))
  ) {
    throw SettingsErrors.SETTINGS_SCHEMA_INVALID('a JSON Schema is an object or a boolean', {
      errors: [{ path: '/body/schema', message: 'must be an object or a boolean' }],
    });
  }
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw SettingsErrors.SETTINGS_SCHEMA_INVALID(`the schema does not compile: ${message}`, {
      errors: [{ path: '/body/schema', message }],
    });
  }
  if (compiled.size >= MAX_COMPILED) compiled.clear();
  compiled.set(text, validate);
  return validate;
}

/** Validates a value against a setting's schema; failures are SETTINGS_VALUE_INVALID (422) with paths. */
export function assertValueMatches(key: string, schema: unknown, value: unknown): void {
  const validate = compileValueSchema(schema);
  if (validate(value)) return;
  throw SettingsErrors.SETTINGS_VALUE_INVALID(`the value of ${key} does not match its schema`, {
    errors: validationFieldErrors('body/value', validate.errors ?? []),
  });
}
