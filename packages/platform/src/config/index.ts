import type { Static, TObject } from 'typebox';
import { Value } from 'typebox/value';

/** Raised when an environment variable is missing or malformed; names the variable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Reads typed settings from the environment. The schema's property names are the
 * variable names; `default` in a property schema is used only when the variable is unset.
 * Values are converted (numbers, booleans) then checked; the first failure throws a
 * ConfigError naming the variable.
 */
export function loadConfig<T extends TObject>(schema: T, env: NodeJS.ProcessEnv = process.env): Static<T> {
  const raw: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(schema.properties)) {
    const v = env[key];
    if (v === undefined || v === '') continue;
    // Numbers are read here, not by Value.Convert: it truncates "80.5" to 80 for an integer.
    // A value that is no number stays a string, so the check below names it.
    const type = (prop as { type?: unknown }).type;
    const n = Number(v);
    raw[key] = (type === 'integer' || type === 'number') && v.trim() !== '' && Number.isFinite(n) ? n : v;
  }
  const numbers = Object.entries(raw).filter(([, v]) => typeof v === 'number');
  const withDefaults = Value.Default(schema, { ...raw });
  const converted = Value.Convert(schema, withDefaults) as Record<string, unknown>;
  // Convert turns 80.5 into 80 for an integer; keep the number as read so the check rejects it.
  for (const [key, v] of numbers) converted[key] = v;
  const errors = [...Value.Errors(schema, converted)];
  if (errors.length > 0) {
    const messages = errors.map((e) => {
      const name = e.instancePath.replace(/^\//, '') || missingName(e.params);
      const given = name ? env[name] : undefined;
      return given === undefined || given === ''
        ? `${name}: required but not set (${e.message})`
        : `${name}: invalid value ${JSON.stringify(given)} (${e.message})`;
    });
    throw new ConfigError(`Invalid configuration: ${[...new Set(messages)].join('; ')}`);
  }
  return converted as Static<T>;
}

function missingName(params: unknown): string {
  if (params && typeof params === 'object' && 'requiredProperties' in params) {
    const props = (params as { requiredProperties: unknown }).requiredProperties;
    if (Array.isArray(props)) return props.join(', ');
  }
  return '(unknown)';
}
