import type { ServiceName } from '@mercato/contracts';
import { createClientCredentials, type Permission, type TokenProvider } from '@mercato/platform/auth';
import { randomBytes } from 'node:crypto';

/**
 * The services that call others with a client-credentials token of their own (work done
 * outside a caller's request, with rights no buyer holds), and the scopes each gets: the
 * checkout saga creates and confirms orders, holds and commits stock and discounts, authorizes
 * and voids payments, creates and cancels shipments, closes carts and reads saved addresses;
 * notification reads the invoices it attaches to order emails.
 */
export const SERVICE_ACCOUNT_SCOPES: Partial<Record<ServiceName, readonly Permission[]>> = {
  checkout: [
    'orders:write',
    'orders:read',
    'carts:write',
    'inventory:write',
    'inventory:read',
    'discounts:write',
    'payments:write',
    'payments:read',
    'payments:refund',
    'shipping:write',
    'customers:read',
  ],
  // The order confirmation email attaches the invoice PDF, which notification fetches from order.
  notification: ['orders:read'],
};

/** The service accounts of one start: identity's declaration and each service's credentials. */
export interface ServiceAccounts {
  /** IDENTITY_SERVICE_CLIENTS for identity (it registers them at start). */
  identityEnv: Record<string, string>;
  /** SERVICE_CLIENT_ID / SERVICE_CLIENT_SECRET for a service's process (distributed mode). */
  processEnv(service: ServiceName): Record<string, string>;
  /** A token provider for a service built in this process (embedded mode). */
  tokenProvider(service: ServiceName, identityUrl: string): TokenProvider | undefined;
}

/** A secret per service account, made for this start (nothing to configure, nothing kept). */
export function makeServiceAccounts(): ServiceAccounts {
  const accounts = Object.entries(SERVICE_ACCOUNT_SCOPES).map(([service, scopes]) => ({
    service: service as ServiceName,
    clientId: `${service}-service`,
    secret: randomBytes(32).toString('base64url'),
    scopes: [...(scopes ?? [])],
  }));
  const find = (service: ServiceName) => accounts.find((a) => a.service === service);
  return {
    identityEnv: {
      IDENTITY_SERVICE_CLIENTS: JSON.stringify(
        accounts.map(({ clientId, secret, scopes }) => ({ clientId, secret, scopes })),
      ),
    },
    processEnv(service): Record<string, string> {
      const a = find(service);
      if (!a) return {};
      return { SERVICE_CLIENT_ID: a.clientId, SERVICE_CLIENT_SECRET: a.secret };
    },
    tokenProvider(service, identityUrl) {
      const a = find(service);
      return a
        ? createClientCredentials({
            tokenUrl: `${identityUrl}/api/v1/oauth/token`,
            clientId: a.clientId,
            clientSecret: a.secret,
          })
        : undefined;
    },
  };
}
