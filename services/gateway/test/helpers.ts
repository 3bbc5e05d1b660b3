import { createApp, type ServiceApp } from '@mercato/platform/http';
import { createLogger } from '@mercato/platform/logging';
import { createMetrics } from '@mercato/platform/metrics';
import { testAuth } from '@mercato/testing';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildGateway, type Gateway, type GatewayOptions } from '../src/gateway.ts';

/** What a raw upstream saw of one request. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A node:http upstream that records every request and answers with `respond`. */
export interface RawUpstream {
  url: string;
  seen: SeenRequest[];
  respond: (req: SeenRequest, res: ServerResponse) => void;
  close(): Promise<void>;
}

/** Starts a recording node:http upstream on a free port; by default it echoes what it saw as JSON. */
export async function startRawUpstream(respond?: RawUpstream['respond']): Promise<RawUpstream> {
  const upstream: RawUpstream = {
    url: '',
    seen: [],
    respond:
      respond ??
      ((seen, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(seen));
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      upstream.seen.push(seen);
      upstream.respond(seen, res);
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  upstream.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = upstream.close;
  upstream.close = () => {
    server.closeAllConnections();
    return close();
  };
  return upstream;
}

/** A kit-built upstream (createApp) with the routes `routes` adds, listening on a free port. */
export async function startKitUpstream(
  name: string,
  routes: (app: ServiceApp) => void,
): Promise<{ url: string; app: ServiceApp; close(): Promise<void> }> {
  const app = await createApp({ name, logger: quietLogger(name), metrics: createMetrics(name) });
  routes(app);
  app.get('/health/ready', { schema: { hide: true } }, async () => ({ status: 'ready' }));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, app, close: () => app.close() };
}

/** A URL where nothing listens (a port just released). */
export async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

export function quietLogger(service: string) {
  return createLogger({ service, level: 'silent' });
}

/** A listening gateway for a test. */
export interface TestGateway {
  url: string;
  gateway: Gateway;
  close(): Promise<void>;
}

/** A gateway trusting the tests' token authority (testAuth) unless opts.auth says otherwise. */
export async function startGateway(opts: GatewayOptions): Promise<TestGateway> {
  const gateway = await buildGateway({
    logger: quietLogger('gateway'),
    ...opts,
    auth: { tokenVerifier: (await testAuth()).verifier, ...opts.auth },
  });
  const url = await gateway.app.listen({ port: 0, host: '127.0.0.1' });
  return { url, gateway, close: () => gateway.close() };
}
