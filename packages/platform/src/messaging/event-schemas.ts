import { eventRegistry, isEventType } from '@mercato/contracts';
import { Compile, type Validator } from 'typebox/compile';
import type { FieldError } from '../errors/index.ts';

/** An event whose data does not match its type's registered schema (or whose type is not registered). */
export class EventSchemaError extends Error {
  readonly eventType: string;
  readonly errors: FieldError[];
  constructor(eventType: string, version: number, errors: FieldError[]) {
    const what = errors.map((e) => `${e.path} ${e.message}`).join('; ');
    super(`${eventType} v${version}: ${what}`);
    this.name = 'EventSchemaError';
    this.eventType = eventType;
    this.errors = errors;
  }
}

// One compiled validator per type, built the first time the type is written or read.
const validators = new Map<string, Validator>();

function validatorOf(type: string): Validator | undefined {
  let v = validators.get(type);
  if (v === undefined && isEventType(type)) {
    v = Compile(eventRegistry[type].schema);
    validators.set(type, v);
  }
  return v;
}

/**
 * Checks an event's data against the registered schema of its type and version
 * (packages/contracts, eventRegistry); throws EventSchemaError naming each field that
 * does not match, or the type or version that is not registered.
 */
export function checkEventData(type: string, version: number, data: unknown): void {
  const validator = validatorOf(type);
  if (validator === undefined) {
    throw new EventSchemaError(type, version, [{ path: '/type', message: 'is not a registered event type' }]);
  }
  const registered = eventRegistry[type as keyof typeof eventRegistry].version;
  if (version !== registered) {
    throw new EventSchemaError(type, version, [
      { path: '/version', message: `is not a registered version (v${registered} is)` },
    ]);
  }
  if (validator.Check(data)) return;
  const errors = [...validator.Errors(data)].flatMap((e): FieldError[] => {
    const path = `/data${e.instancePath}`;
    const missing = (e.params as { requiredProperties?: unknown } | undefined)?.requiredProperties;
    if (e.keyword === 'required' && Array.isArray(missing)) {
      return missing.map((name) => ({ path: `${path}/${String(name)}`, message: 'is required' }));
    }
    return [{ path, message: e.message }];
  });
  throw new EventSchemaError(type, version, errors);
}
