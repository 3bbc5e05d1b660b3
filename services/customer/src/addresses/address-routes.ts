import { customerApi } from '@mercato/contracts';
import { contractRoute, problemResponses, type ServiceApp } from '@mercato/platform/http';
import { Type } from 'typebox';
import { CustomerParams, READ } from '../profiles/profile-routes.ts';
import { selfOf } from '../request-meta.ts';
import { AddressInputSchema, AddressSchema } from './address.ts';
import type { AddressService } from './address-service.ts';

const tags = ['customers'];
const AddressIdParams = Type.Object({ addressId: Type.String({ format: 'uuid' }) });
const AddressList = Type.Object({ items: Type.Array(AddressSchema) });

/** The signed-in customer's address book, and other services' reads of one address. */
export function registerAddressRoutes(app: ServiceApp, addresses: AddressService): void {
  app.get(
    '/api/v1/customers/me/addresses',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: "The signed-in customer's addresses, oldest first",
        response: { 200: AddressList, ...problemResponses(401, 403) },
      },
    },
    async (request) => ({ items: await addresses.list(selfOf(request)) }),
  );

  app.post(
    '/api/v1/customers/me/addresses',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: "Add an address (checked by its country's rules; the first becomes both defaults)",
        body: AddressInputSchema,
        response: { 201: AddressSchema, ...problemResponses(400, 401, 403, 409, 410, 422) },
      },
    },
    async (request, reply) => {
      const address = await addresses.add(selfOf(request), request.body);
      return reply.code(201).header('location', `/api/v1/customers/me/addresses/${address.id}`).send(address);
    },
  );

  app.put(
    '/api/v1/customers/me/addresses/:addressId',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Replace an address',
        params: AddressIdParams,
        body: AddressInputSchema,
        response: { 200: AddressSchema, ...problemResponses(400, 401, 403, 404, 410, 422) },
      },
    },
    async (request) => addresses.replace(selfOf(request), request.params.addressId, request.body),
  );

  app.delete(
    '/api/v1/customers/me/addresses/:addressId',
    {
      config: { auth: 'user' },
      schema: {
        tags,
        summary: 'Remove an address',
        params: AddressIdParams,
        response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 404, 410) },
      },
    },
    async (request, reply) => {
      await addresses.remove(selfOf(request), request.params.addressId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/customers/:customerId/addresses',
    {
      config: { auth: READ },
      schema: {
        tags,
        summary: "A customer's addresses (customers:read)",
        params: CustomerParams,
        response: { 200: AddressList, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => ({ items: await addresses.listOf(request.params.customerId) }),
  );

  app.route({
    ...contractRoute(customerApi.getAddress, tags),
    config: { auth: READ },
    handler: async (request) => addresses.get(request.params.customerId, request.params.addressId),
  });
}
