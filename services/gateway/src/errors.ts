import { defineErrors } from '@mercato/platform/errors';

/**
 * The gateway's own error codes. Upstream outages use the kit's common
 * UPSTREAM_UNAVAILABLE (503) and UPSTREAM_TIMEOUT (504); unknown paths ROUTE_NOT_FOUND.
 */
export const GatewayErrors = defineErrors({
  /** The resource exists in the platform, but its service is not part of this deployment. */
  GATEWAY_ROUTE_NOT_FOUND: { status: 404, title: 'The service behind this route is not deployed' },
  /** The upstream call failed in a way that is neither a refused connection nor a timeout. */
  GATEWAY_UPSTREAM_ERROR: { status: 502, title: 'The service behind this route failed to answer' },
});
