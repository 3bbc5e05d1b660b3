// Order as notification calls it: its invoicePdf route mounted from the contract
// (packages/contracts), verifying the caller's token with the tests' authority and answering
// a PDF made with pdfkit. A service's tests may not load another service's code;
// apps/mercato/test/order-confirmation-email.test.ts runs the real order service instead.
import { orderApi } from '@mercato/contracts';
import { CommonErrors } from '@mercato/platform/errors';
import { contractRoute, createApp } from '@mercato/platform/http';
import { createMetrics } from '@mercato/platform/metrics';
import { captureLogger, testAuth } from '@mercato/testing';
import type { AddressInfo } from 'node:net';
import PDFDocument from 'pdfkit';

export interface OrderStandIn {
  url: string;
  /** Orders it knows: id → number (an unknown id is a 404). */
  orders: Map<string, string>;
  /** While true, every call answers 503 (order is down). */
  down: boolean;
  /** The principal kind of each call answered (service, user…). */
  callers: string[];
  close(): Promise<void>;
}

function invoicePdf(number: string): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', info: { Title: `Invoice ${number}` } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.fontSize(14).text(`Invoice ${number}`);
  doc.end();
  return done;
}

export async function startOrderStandIn(): Promise<OrderStandIn> {
  const { logger } = captureLogger('order-stand-in');
  const app = await createApp({
    name: 'order-stand-in',
    logger,
    metrics: createMetrics('order_stand_in'),
    openapiRoute: false,
  });
  const verifier = (await testAuth()).verifier;
  const state = { orders: new Map<string, string>(), down: false, callers: [] as string[] };
  app.route({
    ...contractRoute(orderApi.invoicePdf),
    handler: async (request, reply) => {
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      const principal = token ? await verifier.verify(token).catch(() => undefined) : undefined;
      if (!principal) throw CommonErrors.UNAUTHORIZED('a service token is needed');
      state.callers.push(principal.kind);
      if (state.down) throw CommonErrors.DEPENDENCY_UNAVAILABLE('stand-in is down');
      const number = state.orders.get(request.params.id);
      if (!number) throw CommonErrors.NOT_FOUND(`no order ${request.params.id}`);
      return reply.type('application/pdf').send(await invoicePdf(number));
    },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    get orders() {
      return state.orders;
    },
    get down() {
      return state.down;
    },
    set down(v: boolean) {
      state.down = v;
    },
    callers: state.callers,
    close: () => app.close(),
  };
}
