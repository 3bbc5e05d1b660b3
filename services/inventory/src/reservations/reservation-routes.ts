import { inventoryApi } from '@mercato/contracts';
import { actorOf } from '@mercato/platform/auth';
import { PROBLEM_CONTENT_TYPE, toProblem } from '@mercato/platform/errors';
import { contractRoute, type ServiceApp } from '@mercato/platform/http';
import { READ, WRITE } from '../request-meta.ts';
import type { ReservationService } from './reservation-service.ts';

const tags = ['reservations'];

/** /api/v1/inventory/reservations: holds for a reference (a checkout), commit and release. */
export function registerReservationRoutes(app: ServiceApp, reservations: ReservationService): void {
  app.route({
    ...contractRoute(inventoryApi.reserve, tags),
    // 'handler': the kit checks the key; the reservation (or its refusal) is the key's record.
    config: { auth: WRITE, idempotency: 'handler' },
    handler: async (request, reply) => {
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
  });
  app.route({
    ...contractRoute(inventoryApi.listReservations, tags),
    config: { auth: READ },
    handler: async (request) => reservations.list(request.query),
  });
  app.route({
    ...contractRoute(inventoryApi.getReservation, tags),
    config: { auth: READ },
    handler: async (request) => reservations.get(request.params.id),
  });
  app.route({
    ...contractRoute(inventoryApi.commitReservation, tags),
    config: { auth: WRITE, idempotency: 'optional' },
    handler: async (request) => reservations.commit(request.params.id, actorOf(request)),
  });
  app.route({
    ...contractRoute(inventoryApi.releaseReservation, tags),
    config: { auth: WRITE, idempotency: 'optional' },
    // A release without a body (the saga's compensation) releases everything.
    preValidation: async (request) => {
      request.body ??= {};
    },
    handler: async (request) => reservations.release(request.params.id, request.body),
  });
}
