import { cartService } from '@mercato/cart';
import { catalogService } from '@mercato/catalog';
import { checkoutService } from '@mercato/checkout';
import { customerService } from '@mercato/customer';
import { serviceList, type ServiceName } from '@mercato/contracts';
import { discountService } from '@mercato/discount';
import { identityService } from '@mercato/identity';
import { inventoryService } from '@mercato/inventory';
import { orderService } from '@mercato/order';
import { paymentService } from '@mercato/payment';
import { notificationService } from '@mercato/notification';
import type { AnyService } from '@mercato/platform/service';
import { settingsService } from '@mercato/settings';
import { shippingService } from '@mercato/shipping';
import { fileURLToPath } from 'node:url';

/** A service the launcher can run: its definition, its port and its process entry point. */
export interface RegisteredService {
  name: ServiceName;
  port: number;
  definition: AnyService;
  main: string;
}

/** The definition of every service in packages/contracts' manifests (a missing one fails to compile). */
const definitions: Readonly<Record<ServiceName, AnyService>> = {
  identity: identityService,
  customer: customerService,
  catalog: catalogService,
  inventory: inventoryService,
  cart: cartService,
  discount: discountService,
  checkout: checkoutService,
  order: orderService,
  shipping: shippingService,
  payment: paymentService,
  notification: notificationService,
  settings: settingsService,
};

const root = new URL('../../../', import.meta.url);

/** Every service that exists, in port order; name and port come from its manifest. */
export const services: RegisteredService[] = serviceList.map((m) => ({
  name: m.name as ServiceName,
  port: m.port,
  definition: definitions[m.name as ServiceName],
  main: fileURLToPath(new URL(`services/${m.name}/src/main.ts`, root)),
}));

/** The gateway's process entry point. */
export const gatewayMain = fileURLToPath(new URL('services/gateway/src/main.ts', root));
