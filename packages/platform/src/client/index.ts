export {
  createServiceClient,
  UpstreamFailure,
  type HttpMethod,
  type QueryValue,
  type RequestOptions,
  type ServiceClient,
  type ServiceClientOptions,
  type ServiceResponse,
} from './service-client.ts';
export { createTypedClient, fillPath } from './typed-client.ts';
export type { CallInput, CallResult, TypedClient } from './typed-client.ts';
export { createSettingsReader } from './settings-reader.ts';
export type { SettingsReader, SettingsReaderOptions } from './settings-reader.ts';
