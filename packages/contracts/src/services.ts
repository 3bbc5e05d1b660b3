/**
 * The public facts of every Mercato service (ARCHITECTURE.md §2), written once: its name,
 * port, database schema and the resources it owns. A service's definition
 * (`services/<name>/src/service.ts`) takes its manifest from here; the launcher starts
 * the services listed here, and the gateway routes each `/api/v1/<resource>` to the service
 * whose manifest owns that resource — without loading any service's code.
 */
export interface ServiceManifest {
  readonly name: string;
  /** Default listen port (the launcher adds MERCATO_PORT_OFFSET). */
  readonly port: number;
  /** Its PostgreSQL schema (embedded: in the one PGlite; distributed: in its own database). */
  readonly schema: string;
  /** One line on what it is for (OpenAPI info, the launcher's listing). */
  readonly description: string;
  /** First path segments under `/api/v1/` the gateway routes to it (`products` → `/api/v1/products/**`). */
  readonly resources: readonly string[];
  /** Paths outside `/api/` the gateway routes to it, as prefixes (identity: `/.well-known/`). */
  readonly rootPrefixes?: readonly string[];
}

/** The manifests of the services that exist, by name, in port order. */
export const serviceManifests = {
  identity: {
    name: 'identity',
    port: 8101,
    schema: 'identity',
    description:
      'Accounts, sign-in, tokens (EdDSA JWT + rotating refresh tokens), roles, MFA, API keys, OAuth2/OIDC',
    resources: ['auth', 'users', 'api-keys', 'oauth'],
    rootPrefixes: ['/.well-known/'],
  },
  customer: {
    name: 'customer',
    port: 8102,
    schema: 'customer',
    description:
      'Customer profiles (consent, locale), the address book validated by country, loyalty points and tiers, data export and erasure',
    resources: ['customers'],
  },
  catalog: {
    name: 'catalog',
    port: 8103,
    schema: 'catalog',
    description: 'Products and variants, the category tree, brands, and full-text search with facets',
    resources: ['products', 'categories', 'brands', 'variants', 'search'],
  },
  inventory: {
    name: 'inventory',
    port: 8104,
    schema: 'inventory',
    description:
      'Warehouses, stock per SKU and warehouse, reservations with expiry (all lines or none), and the stock movements ledger',
    resources: ['inventory'],
  },
  cart: {
    name: 'cart',
    port: 8105,
    schema: 'cart',
    description:
      'Guest and customer carts: lines with catalog snapshots, revalidated reads, totals with tax, merge on sign-in',
    resources: ['carts'],
  },
  discount: {
    name: 'discount',
    port: 8106,
    schema: 'discount',
    description:
      'Promotions and campaigns, discount codes (single and bulk), limits, evaluation of a cart and redemptions held for a checkout',
    resources: ['discounts'],
  },
  checkout: {
    name: 'checkout',
    port: 8107,
    schema: 'checkout',
    description:
      'Checkout sagas: re-price, hold the discount and the stock, create the order, authorize the payment (3-D Secure), create the shipment, confirm — or undo every step',
    resources: ['checkout'],
  },
  order: {
    name: 'order',
    port: 8108,
    schema: 'orders',
    description:
      'Orders from checkout (line snapshots, totals), their state machine and status history, returns, refunds through payment, invoices as PDF',
    resources: ['orders'],
  },
  shipping: {
    name: 'shipping',
    port: 8110,
    schema: 'shipping',
    description:
      'Shipping zones, methods and rate tables, quotes, shipments with carrier labels, and tracking from signed carrier webhooks',
    resources: ['shipping'],
  },
  payment: {
    name: 'payment',
    port: 8109,
    schema: 'payment',
    description:
      'Payments per order or checkout through a provider (authorize, capture, void, refund), the provider ledger, saved cards and a fraud check',
    resources: ['payments', 'payment-methods'],
  },
  notification: {
    name: 'notification',
    port: 8111,
    schema: 'notification',
    description:
      'Email over SMTP (a development mailbox when embedded), SMS and push providers, templates per type and locale, preferences, a delivery log with retries',
    resources: ['notifications'],
  },
  settings: {
    name: 'settings',
    port: 8114,
    schema: 'settings',
    description: 'Typed settings (each validated by its JSON Schema) and feature flags with stable rollouts',
    resources: ['settings', 'feature-flags'],
  },
} as const satisfies Record<string, ServiceManifest>;

/** The name of a service that exists. */
export type ServiceName = keyof typeof serviceManifests;

/** Every manifest, in port order. */
export const serviceList: readonly ServiceManifest[] = Object.values(serviceManifests).sort(
  (a, b) => a.port - b.port,
);

/** Whether a string names a service that exists (own keys only: "toString" is none). */
export function isServiceName(name: string): name is ServiceName {
  return Object.hasOwn(serviceManifests, name);
}

/** A service's address on this machine (`http://127.0.0.1:<port + offset>`), the default where nothing else is set. */
export function localServiceUrl(name: ServiceName, offset = 0): string {
  return `http://127.0.0.1:${serviceManifests[name].port + offset}`;
}
