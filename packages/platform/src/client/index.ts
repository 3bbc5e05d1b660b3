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
