import type { Problem, RouteContract, RouteContracts } from '@mercato/contracts';
import type { Static, TSchema } from 'typebox';
import type { QueryValue, ServiceClient, ServiceResponse } from './service-client.ts';

type StaticOf<S> = S extends TSchema ? Static<S> : never;

/** What one call of a contract's route takes: its parameters, query, body and keys. */
export type CallInput<R extends RouteContract> = (R['params'] extends TSchema
  ? { params: StaticOf<R['params']> }
  : { params?: never }) &
  (R['querystring'] extends TSchema ? { query?: Partial<StaticOf<R['querystring']>> } : { query?: never }) &
  (R['body'] extends TSchema ? { body: StaticOf<R['body']> } : { body?: never }) &
  (R['idempotencyKey'] extends 'required' ? { idempotencyKey: string } : { idempotencyKey?: string }) & {
    /** Extra headers; `authorization` here wins over the propagated and the service token. */
    headers?: Record<string, string>;
  };

/** What one call answers: a success by its status with its typed body, or a problem. */
export type CallResult<R extends RouteContract> =
  | {
      [S in keyof R['response'] & number]: ServiceResponse<StaticOf<R['response'][S]>> & {
        ok: true;
        status: S;
      };
    }[keyof R['response'] & number]
  | (ServiceResponse<Problem> & { ok: false });

/** A typed client of a service: one method per route of its contract. */
export type TypedClient<C extends RouteContracts> = {
  [K in keyof C]: (input: CallInput<C[K]>) => Promise<CallResult<C[K]>>;
} & {
  /** The underlying client (breaker state, close). */
  readonly http: ServiceClient;
};

/**
 * Builds a typed client from a service's route contracts on the kit's resilient client
 * (timeouts, retries of idempotent methods, breaker, propagated headers, service token).
 * A 4xx answer resolves with `ok: false` and the problem; 5xx, timeouts and an open breaker
 * reject with DEPENDENCY_UNAVAILABLE as the kit's client does.
 */
export function createTypedClient<C extends RouteContracts>(
  contracts: C,
  http: ServiceClient,
): TypedClient<C> {
  const client: Record<string, unknown> = { http };
  for (const [operation, route] of Object.entries(contracts)) {
    client[operation] = async (input: {
      params?: Record<string, unknown>;
      query?: Record<string, QueryValue>;
      body?: unknown;
      idempotencyKey?: string;
      headers?: Record<string, string>;
    }) => {
      const res = await http.request(route.method, fillPath(route.path, input.params), {
        ...(input.query ? { query: input.query } : {}),
        ...(input.body !== undefined ? { body: input.body } : {}),
        ...(input.idempotencyKey !== undefined ? { idempotencyKey: input.idempotencyKey } : {}),
        ...(input.headers ? { headers: input.headers } : {}),
      });
      return { ...res, ok: res.status < 400 && Object.hasOwn(route.response, res.status) };
    };
  }
  return client as TypedClient<C>;
}

/** `/a/:id/b` with `{ id: 'x y' }` → `/a/x%20y/b`; a missing parameter is a programming error. */
export function fillPath(path: string, params: Record<string, unknown> | undefined): string {
  return path.replace(/:([A-Za-z_]\w*)/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === null)
      throw new Error(`path parameter ${name} of ${path} is missing`);
    return encodeURIComponent(String(value));
  });
}
