// Shipping tests run the service on a schema of its own, listening on a free port so the
// carrier simulator (in this process, on another free port) can deliver its webhooks to it.
import type { EventEnvelope } from '@mercato/contracts';
import {
  createCarrierSimulator,
  type CarrierSimulator,
  type CarrierSimulatorOptions,
} from '@mercato/simulators';
import {
  callAs,
  eventsFor as kitEventsFor,
  startTestService,
  type Body,
  type DbKind,
  type MintOptions,
  type Reply,
  type TestService,
} from '@mercato/testing';
import assert from 'node:assert/strict';
import type { ShippingDB } from '../src/db.ts';
import { shippingService } from '../src/service.ts';

export { expectProblem, TEST_ADMIN as ADMIN, type Body, type Reply } from '@mercato/testing';

export type Svc = TestService<ShippingDB>;
export const API_KEY = 'ck_test_shipping_tests';
export const WEBHOOK_SECRET = 'whsec_shipping_tests_0123456789';
export const CUSTOMER: MintOptions = { roles: ['customer'] };

export interface Harness {
  svc: Svc;
  sim: CarrierSimulator;
  /** The service's own URL (the carrier's webhooks go to it). */
  url: string;
  close(): Promise<void>;
}

/** The shipping service wired to a carrier simulator with prompt webhooks (no delay, no duplicates unless asked). */
export async function startShipping(
  kind: DbKind,
  over: Partial<CarrierSimulatorOptions> = {},
): Promise<Harness> {
  const sim = createCarrierSimulator({ apiKey: API_KEY, seed: 7, duplicateRate: 0, maxDelayMs: 0, ...over });
  const simUrl = await sim.listen(0);
  const svc = await startTestService(shippingService, kind, {
    env: {
      ...process.env,
      SHIPPING_CARRIER_URL: simUrl,
      SHIPPING_CARRIER_API_KEY: API_KEY,
      SHIPPING_CARRIER_WEBHOOK_SECRET: WEBHOOK_SECRET,
    },
  });
  const url = await svc.runtime.listen(0, '127.0.0.1');
  sim.addWebhookEndpoint(`${url}/api/v1/shipping/webhooks/carrier`, WEBHOOK_SECRET);
  return {
    svc,
    sim,
    url,
    async close() {
      await sim.close();
      await svc.close();
    },
  };
}

/** A request as the given caller (writes default to the admin, reads to anonymous). */
export function call(
  svc: Svc,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  opts: { body?: unknown; headers?: Record<string, string>; as?: MintOptions | 'anonymous' } = {},
): Promise<Reply> {
  return callAs(svc, method, url, opts);
}

export async function eventsFor(
  svc: Svc,
  type: string,
  subject: string,
): Promise<Array<EventEnvelope<Body>>> {
  return (await kitEventsFor(svc, type, subject)) as Array<EventEnvelope<Body>>;
}

/** A zone with one weight-priced method (USD: up to 1 kg 5.00, up to 5 kg 9.00, then 15.00; free from 100.00). */
export async function zoneWithMethod(svc: Svc, code: string, countries: string[]): Promise<void> {
  const zone = await call(svc, 'POST', '/api/v1/shipping/zones', { body: { code, name: code, countries } });
  assert.equal(zone.status, 201, JSON.stringify(zone.body));
  const method = await call(svc, 'POST', `/api/v1/shipping/zones/${code}/methods`, {
    body: {
      code: 'standard',
      name: 'Standard',
      kind: 'standard',
      rateBasis: 'weight',
      rates: [
        { upTo: 1000, amount: 500 },
        { upTo: 5000, amount: 900 },
        { upTo: null, amount: 1500 },
      ],
      currency: 'USD',
      freeOver: 10_000,
      handlingDays: 1,
      transitDays: { min: 2, max: 4 },
    },
  });
  assert.equal(method.status, 201, JSON.stringify(method.body));
}
