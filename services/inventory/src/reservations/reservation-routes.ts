import { PROBLEM_CONTENT_TYPE, toProblem } from '@mercato/platform/errors';
import { PageOf, type ServiceApp } from '@mercato/platform/http';
import { actorOf, Problem, READ, WRITE } from '../request-meta.ts';
import {
  CreateReservationBody,
  IdParams,
  ReleaseBody,
  ReservationQuery,
  ReservationSchema,
} from './reservation.ts';
import type { ReservationService } from './reservation-service.ts';

const tags = ['reservations'];

/** /api/v1/inventory/reservations: holds for a reference (a checkout), commit and release. */
export function registerReservationRoutes(app: ServiceApp, reservations: ReservationService): void {
  app.post(
    '/api/v1/inventory/reservations',
    {
      // 'handler': the kit checks the key; the reservation (or its refusal) is the key's record.
      config: { auth: WRITE, idempotency: 'handler' },
      schema: {
        tags,
        summary:
          'Hold stock for every line or none (Idempotency-Key required); 409 INVENTORY_INSUFFICIENT_STOCK names each short line',
        body: CreateReservationBody,
        response: {
          201: ReservationSchema,
          400: Problem,
          401: Problem,
          403: Problem,
          409: Problem,
          422: Problem,
        },
      },
    },
    async (request, reply) => {
      const out = await reservations.create(request.body, actorOf(request), request.idempotencyKey!);
      if ('replayedRefusal' in out) {
        // The stored 409, as the kit replays a stored answer: the first body, marked replayed.
        const problem = toProblem(out.replayedRefusal, request.url, out.correlationId);
        return reply
          .code(409)
          .type(PROBLEM_CONTENT_TYPE)
          .header('idempotent-replayed', 'true')
          .send(JSON.stringify(problem));
      }
      const r = out.reservation;
      if (out.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(201).header('location', `/api/v1/inventory/reservations/${r.id}`).send(r);
    },
  );
  app.get(
    '/api/v1/inventory/reservations',
    {
      config: { auth: READ },
      schema: {
        tags,
        summary: 'Reservations, newest first, by reference (e.g. a checkout id) and status',
        querystring: ReservationQuery,
        response: { 200: PageOf(ReservationSchema), 400: Problem, 401: Problem, 403: Problem },
      },
    },
    async (request) => reservations.list(request.query),
  );
  app.get(
    '/api/v1/inventory/reservations/:id',
    {
      config: { auth: READ },
      schema: {
        tags,
        summary: 'A reservation with its lines and per-warehouse allocations',
        params: IdParams,
        response: { 200: ReservationSchema, 400: Problem, 401: Problem, 403: Problem, 404: Problem },
      },
    },
    async (request) => reservations.get(request.params.id),
  );
  app.post(
    '/api/v1/inventory/reservations/:id/commit',
    {
      config: { auth: WRITE, idempotency: 'optional' },
      schema: {
        tags,
        summary: 'The held stock leaves on hand (a confirmed order); a repeat answers the current state',
        params: IdParams,
        response: {
          200: ReservationSchema,
          400: Problem,
          401: Problem,
          403: Problem,
          404: Problem,
          409: Problem,
        },
      },
    },
    async (request) => reservations.commit(request.params.id, actorOf(request)),
  );
  app.post(
    '/api/v1/inventory/reservations/:id/release',
    {
      config: { auth: WRITE, idempotency: 'optional' },
      // A release without a body (the saga's compensation) releases everything.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        tags,
        summary:
          'Give back everything still held (a repeat answers the current state), or with lines only some quantities',
        params: IdParams,
        body: ReleaseBody,
        response: {
          200: ReservationSchema,
          400: Problem,
          401: Problem,
          403: Problem,
          404: Problem,
          409: Problem,
        },
      },
    },
    async (request) => reservations.release(request.params.id, request.body),
  );
}
