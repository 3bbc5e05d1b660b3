import type { ServiceDefinition } from '@mercato/platform/http';
import { catalogService } from '@mercato/catalog';
import { identityService } from '@mercato/identity';
import { inventoryService } from '@mercato/inventory';
import { settingsService } from '@mercato/settings';
import { fileURLToPath } from 'node:url';

/** A service the launcher can run: its definition, its port and its process entry point. */
export interface RegisteredService {
  name: string;
  port: number;
  // Each service has its own table types; the launcher only drives their lifecycle.
  definition: ServiceDefinition<never>;
  main: string;
}

const root = new URL('../../../', import.meta.url);

function entry(name: string): string {
  return fileURLToPath(new URL(`services/${name}/src/main.ts`, root));
}

/** Every service that exists today, with its port from ARCHITECTURE.md §2. */
export const services: RegisteredService[] = [
  {
    name: 'identity',
    port: 8101,
    definition: identityService as unknown as ServiceDefinition<never>,
    main: entry('identity'),
  },
  {
    name: 'catalog',
    port: 8103,
    definition: catalogService as unknown as ServiceDefinition<never>,
    main: entry('catalog'),
  },
  {
    name: 'inventory',
    port: 8104,
    definition: inventoryService as unknown as ServiceDefinition<never>,
    main: entry('inventory'),
  },
  {
    name: 'settings',
    port: 8114,
    definition: settingsService as unknown as ServiceDefinition<never>,
    main: entry('settings'),
  },
];

/** The gateway's process entry point. */
export const gatewayMain = fileURLToPath(new URL('services/gateway/src/main.ts', root));
