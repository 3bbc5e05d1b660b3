import type { EventEnvelope } from '@mercato/contracts';
import { newId } from '@mercato/platform/ids';

/** An event as another service would publish it (v1, now), for feeding a consumer under test. */
export function testEvent<T>(
  type: string,
  subject: string,
  data: T,
  over: Partial<EventEnvelope<T>> = {},
): EventEnvelope<T> {
  return {
    id: newId(),
    type,
    version: 1,
    source: 'test',
    time: new Date().toISOString(),
    subject,
    correlationId: newId(),
    data,
    ...over,
  };
}
