import { CommonErrors } from '@mercato/platform/errors';
import { PageOf, type ServiceApp, problemResponses } from '@mercato/platform/http';
import { actorOf } from '@mercato/platform/auth';
import { READ, WRITE } from '../request-meta.ts';
import {
  AdjustmentBody,
  AdjustmentResponse,
  AvailabilityBody,
  AvailabilityQuery,
  AvailabilityResponse,
  MovementQuery,
  MovementSchema,
  SkuParams,
  SkuStockSchema,
  TransferBody,
  TransferResponse,
  UpdateSkuBody,
} from './stock.ts';
import type { StockService } from './stock-service.ts';

const tags = ['stock'];
const SKU_RE = /^\S{1,100}$/;

/** Splits `?skus=a,b` and checks each like the POST body does. */
function skuList(raw: string): string[] {
  const skus = raw.split(',').map((s) => s.trim());
  const bad = skus.findIndex((s) => !SKU_RE.test(s));
  if (skus.length > 200 || bad !== -1) {
    throw CommonErrors.VALIDATION_FAILED(undefined, {
      errors: [
        {
          path: '/querystring/skus',
          message: skus.length > 200 ? 'at most 200 SKUs' : `SKU ${bad + 1} is empty or has spaces`,
        },
      ],
    });
  }
  return skus;
}

/** Stock per SKU, availability, adjustments, transfers and the movements ledger. */
export function registerStockRoutes(app: ServiceApp, stock: StockService): void {
  app.get(
    '/api/v1/inventory/sku/:sku',
    {
      config: { auth: READ },
      schema: {
        tags,
        summary: 'Stock of one SKU: per warehouse and in total (active warehouses)',
        params: SkuParams,
        response: { 200: SkuStockSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => stock.get(request.params.sku),
  );
  app.patch(
    '/api/v1/inventory/sku/:sku',
    {
      config: { auth: WRITE },
      schema: {
        tags,
        summary: "Set a SKU's backorder flag or low-stock threshold (null: each warehouse default)",
        params: SkuParams,
        body: UpdateSkuBody,
        response: { 200: SkuStockSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => stock.update(request.params.sku, request.body),
  );
  app.get(
    '/api/v1/inventory/availability',
    {
      schema: {
        tags,
        summary: 'Available quantity of many SKUs (public): ?skus=A,B,C',
        querystring: AvailabilityQuery,
        response: { 200: AvailabilityResponse, ...problemResponses(400) },
      },
    },
    async (request) => ({ items: await stock.availability(skuList(request.query.skus)) }),
  );
  app.post(
    '/api/v1/inventory/availability',
    {
      schema: {
        tags,
        summary: 'Available quantity of many SKUs (public), for lists too long for a query string',
        body: AvailabilityBody,
        response: { 200: AvailabilityResponse, ...problemResponses(400) },
      },
    },
    async (request) => ({ items: await stock.availability(request.body.skus) }),
  );
  app.post(
    '/api/v1/inventory/adjustments',
    {
      config: { auth: WRITE, idempotency: 'optional' },
      schema: {
        tags,
        summary: 'Restock, cycle count, damage or loss in one warehouse (a ledger row)',
        body: AdjustmentBody,
        response: { 201: AdjustmentResponse, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => reply.code(201).send(await stock.adjust(request.body, actorOf(request))),
  );
  app.post(
    '/api/v1/inventory/transfers',
    {
      config: { auth: WRITE, idempotency: 'optional' },
      schema: {
        tags,
        summary: 'Move stock of a SKU between warehouses (two ledger rows, one transfer id)',
        body: TransferBody,
        response: { 201: TransferResponse, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => reply.code(201).send(await stock.transfer(request.body, actorOf(request))),
  );
  app.get(
    '/api/v1/inventory/movements',
    {
      config: { auth: READ },
      schema: {
        tags,
        summary:
          'The stock movements ledger, newest first, filtered by sku, warehouse, kind, reservation, time',
        querystring: MovementQuery,
        response: { 200: PageOf(MovementSchema), ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => stock.movements(request.query),
  );
}
