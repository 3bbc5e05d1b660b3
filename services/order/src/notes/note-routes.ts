import { problemResponses, type ServiceApp } from '@mercato/platform/http';
import { Type } from 'typebox';
import { actorFrom } from '../orders/order-access.ts';
import type { NoteService } from './note-service.ts';

const tags = ['orders'];
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const NoteSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  author: Type.String(),
  body: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});
// Support writes notes while helping a customer: orders:read (support, sellers, admins) is the bar.
const STAFF = { permission: 'orders:read' } as const;

/** /api/v1/orders/{id}/notes: internal notes, oldest first. */
export function registerNoteRoutes(app: ServiceApp, notes: NoteService): void {
  app.get(
    '/api/v1/orders/:id/notes',
    {
      config: { auth: STAFF },
      schema: {
        tags,
        summary: "Staff's internal notes on the order, oldest first",
        params: IdParams,
        response: {
          200: Type.Object({ items: Type.Array(NoteSchema) }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => ({ items: await notes.list(request.params.id, actorFrom(request.principal)) }),
  );
  app.post(
    '/api/v1/orders/:id/notes',
    {
      config: { auth: STAFF },
      schema: {
        tags,
        summary: 'Add an internal note (never shown to the customer)',
        params: IdParams,
        body: Type.Object(
          { body: Type.String({ minLength: 1, maxLength: 5000 }) },
          { additionalProperties: false },
        ),
        response: { 201: NoteSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await notes.add(request.params.id, request.body.body, actorFrom(request.principal))),
  );
}
