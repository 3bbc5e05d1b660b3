import type { RouteContract } from '@mercato/contracts';
import type { ProblemRef } from './schemas.ts';
import { problemResponses } from './schemas.ts';

type Defined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] };

/** The Fastify route options (method, url, schema) of a route contract. */
export type ContractRouteOptions<C extends RouteContract> = {
  method: C['method'];
  url: C['path'];
  schema: Defined<{
    summary: string;
    tags: string[] | undefined;
    params: C['params'];
    querystring: C['querystring'];
    body: C['body'];
  }> & {
    summary: string;
    tags?: string[];
    response: C['response'] & { [S in C['errors'][number]]: typeof ProblemRef };
  };
};

/**
 * Method, URL and schema of a route from its contract (packages/contracts), to spread into
 * `app.route({ ...contractRoute(api.reserve, tags), config, handler })`: the service mounts
 * what its callers' typed clients were built from.
 */
export function contractRoute<const C extends RouteContract>(
  contract: C,
  tags?: string[],
): ContractRouteOptions<C> {
  const schema: Record<string, unknown> = {
    summary: contract.summary,
    response: { ...contract.response, ...problemResponses(...contract.errors) },
  };
  if (tags) schema.tags = tags;
  if (contract.params) schema.params = contract.params;
  if (contract.querystring) schema.querystring = contract.querystring;
  if (contract.body) schema.body = contract.body;
  return { method: contract.method, url: contract.path, schema } as ContractRouteOptions<C>;
}
