// The customer tests use the shared component-test helpers: a customer acts with a token of
// their own (subject = their user id), support and admins with their roles.
import type { EventEnvelope } from '@mercato/contracts';
import { newId } from '@mercato/platform/ids';
import {
  callAs,
  eventsFor as kitEventsFor,
  testEvent,
  type Body,
  type MintOptions,
  type Reply,
  type TestService,
} from '@mercato/testing';
import type { CustomerDB } from '../src/db.ts';

export { expectProblem, TEST_ADMIN as ADMIN, type Body, type Reply } from '@mercato/testing';

export type Svc = TestService<CustomerDB>;

/** A signed-in customer of one test: a fresh user id and email. */
export function shopper(): MintOptions & { subject: string; email: string } {
  const subject = newId();
  return { subject, email: `c-${subject.slice(-12)}@example.com`, roles: ['customer'] };
}

export const SUPPORT: MintOptions = { subject: newId(), roles: ['support'] };

/** A request as the given caller (default: the shopper for every method). */
export function call(
  svc: Svc,
  as: MintOptions | 'anonymous',
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  opts: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
  return callAs(svc, method, url, { ...opts, as });
}

/** Events of a type for one subject (after a relay flush), their data read as any. */
export async function eventsFor(
  svc: Svc,
  type: string,
  subject: string,
): Promise<Array<EventEnvelope<Body>>> {
  return (await kitEventsFor(svc, type, subject)) as Array<EventEnvelope<Body>>;
}

/** Publishes an event on the service's bus, as its producer's relay would, and waits until it is handled. */
export async function deliver(
  svc: Svc,
  type: string,
  subject: string,
  data: unknown,
  source: string,
): Promise<EventEnvelope> {
  const event = testEvent(type, subject, data, { source });
  await svc.bus.publish(event);
  await svc.flush();
  return event;
}

/** A valid German address; `over` replaces fields. */
export function address(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Ada Lovelace',
    line1: 'Unter den Linden 1',
    city: 'Berlin',
    postalCode: '10117',
    country: 'DE',
    ...over,
  };
}
