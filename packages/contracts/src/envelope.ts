import { Type, type Static } from 'typebox';

/** The envelope every Mercato event travels in (ARCHITECTURE.md §6). */
export const EventEnvelopeSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid', description: 'UUIDv7; also the broker dedupe id' }),
    type: Type.String({
      pattern: '^[a-z][a-z0-9_]*\\.[a-z][a-z0-9_.]*$',
      description: 'e.g. product.created',
      examples: ['product.created'],
    }),
    version: Type.Integer({ minimum: 1 }),
    source: Type.String({ description: 'publishing service' }),
    time: Type.String({ format: 'date-time' }),
    subject: Type.String({ description: 'aggregate id' }),
    correlationId: Type.String(),
    causationId: Type.Optional(Type.String()),
    traceparent: Type.Optional(Type.String()),
    data: Type.Unknown(),
  },
  { $id: 'EventEnvelope', additionalProperties: false },
);

/** An event as it travels on the bus; `data` is typed per event type. */
export type EventEnvelope<T = unknown> = Omit<Static<typeof EventEnvelopeSchema>, 'data'> & { data: T };

/** Domain of an event type: `order.created` → `order` (the JetStream stream is its upper case). */
export function eventDomain(type: string): string {
  const dot = type.indexOf('.');
  return dot === -1 ? type : type.slice(0, dot);
}
