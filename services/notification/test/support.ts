// The notification tests use the shared component-test helpers: writes go as an admin by default.
import type { EventEnvelope } from '@mercato/contracts';
import {
  startTestService,
  testEvent,
  testServiceToken,
  type DbKind,
  type TestService,
} from '@mercato/testing';
import type { NotificationDB } from '../src/db.ts';
import { notificationService } from '../src/service.ts';

export { callAs as call, expectProblem, TEST_ADMIN as ADMIN, type Body, type Reply } from '@mercato/testing';

type Parts = Awaited<ReturnType<NonNullable<typeof notificationService.setup>>>;
export type Svc = TestService<NotificationDB, Parts>;

/**
 * The notification service on a fresh schema, with a service token of its own (it fetches
 * invoices from order with it). The dispatcher's own timer is slowed down so that tests
 * drive its rounds (`round(svc, at)`) with the time they choose.
 */
export function startNotification(kind: DbKind, env: Record<string, string> = {}): Promise<Svc> {
  return startTestService(notificationService, kind, {
    serviceToken: testServiceToken({ subject: 'notification-service' }),
    env: {
      ...process.env,
      NOTIFICATION_DISPATCH_INTERVAL_MS: '60000',
      NOTIFICATION_RETRY_BASE_MS: '1000',
      NOTIFICATION_RETRY_MAX_MS: '8000',
      NOTIFICATION_MAX_ATTEMPTS: '4',
      ...env,
    },
  });
}

/** One dispatcher round at the given time (default now). */
export function round(svc: Svc, at = new Date()) {
  return svc.runtime.parts.dispatcher.runOnce(at);
}

/** Publishes an event on the service's bus, as another service's relay would. */
export async function publish(
  svc: Svc,
  type: string,
  subject: string,
  data: unknown,
  source = 'identity',
): Promise<EventEnvelope> {
  const event = testEvent(type, subject, data, { source });
  await svc.bus.publish(event);
  return event;
}

/** The messages table, for assertions on what is stored. */
export function messageRows(svc: Svc) {
  return svc.runtime.ctx.database.db.selectFrom('messages').selectAll().orderBy('created_at').execute();
}

export function seconds(from: Date, s: number): Date {
  return new Date(from.getTime() + s * 1000);
}
