export { defineService } from './definition.ts';
export type {
  AnyService,
  DefinedService,
  HostedRuntime,
  ClientsOf,
  ServiceCalls,
  ServiceContext,
  ServiceDefinition,
  Tx,
  Worker,
} from './definition.ts';
export { buildService, loadServiceConfig, serviceUrlOf } from './build-service.ts';
export type { RuntimeDeps, ServiceRuntime } from './build-service.ts';
