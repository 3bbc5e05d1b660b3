import { newId } from '@mercato/platform/ids';
import { PageOf, problemResponses, type ServiceApp } from '@mercato/platform/http';
import { Type } from 'typebox';
import type { Database } from '@mercato/platform/db';
import type { NotificationDB } from '../db.ts';
import { NotificationErrors } from '../errors.ts';
import { isNotificationType } from '../templates/notification-types.ts';
import {
  MessageDetailSchema,
  MessageListQuery,
  MessageSchema,
  SendBody,
  SendResultSchema,
} from './message.ts';
import type { MessageService } from './message-service.ts';

const tags = ['notifications'];
const ADMIN = { permission: 'notifications:write' } as const;
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** /api/v1/notifications/messages: the delivery log, an admin's send, and the replay of a failed message. */
export function registerMessageRoutes(
  app: ServiceApp,
  database: Database<NotificationDB>,
  messages: MessageService,
): void {
  app.post(
    '/api/v1/notifications/messages',
    {
      config: { auth: ADMIN, idempotency: 'optional' },
      schema: {
        tags,
        summary: 'Send a notification of a type to one recipient (queued; preferences apply)',
        body: SendBody,
        response: { 202: SendResultSchema, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const { type, channel = 'email', to, userId, locale, data } = request.body;
      if (!isNotificationType(type))
        throw NotificationErrors.NOTIFICATION_TYPE_UNKNOWN(`no notification type ${type}`);
      const result = await database.transaction((trx) =>
        messages.enqueue(trx, {
          type,
          channel,
          to,
          data,
          ...(userId && { userId }),
          ...(locale && { locale }),
          // An admin's send is its own message each time (Idempotency-Key guards retries).
          dedupeKey: `send:${newId()}`,
          correlationId: request.id,
        }),
      );
      if (result.outcome === 'queued')
        return reply.code(202).send({ outcome: 'queued', messageId: result.id });
      return reply
        .code(202)
        .send({ outcome: 'suppressed', ...(result.outcome === 'suppressed' && { reason: result.reason }) });
    },
  );

  app.get(
    '/api/v1/notifications/messages',
    {
      config: { auth: ADMIN },
      schema: {
        tags,
        summary: 'The delivery log: messages by status, recipient or type, newest first',
        querystring: MessageListQuery,
        response: { 200: PageOf(MessageSchema), ...problemResponses(400) },
      },
    },
    async (request) => messages.list(request.query),
  );

  app.get(
    '/api/v1/notifications/messages/:id',
    {
      config: { auth: ADMIN },
      schema: {
        tags,
        summary: 'One message with its bodies and every delivery attempt',
        params: IdParams,
        response: { 200: MessageDetailSchema, ...problemResponses(400, 404) },
      },
    },
    async (request) => messages.get(request.params.id),
  );

  app.post(
    '/api/v1/notifications/messages/:id/replay',
    {
      config: { auth: ADMIN },
      schema: {
        tags,
        summary: 'Queue a failed message again (a dead letter replayed)',
        params: IdParams,
        response: { 200: MessageSchema, ...problemResponses(400, 404, 409) },
      },
    },
    async (request) => messages.replay(request.params.id),
  );
}
