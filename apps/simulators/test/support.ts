import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPspSimulator, type PspSimulatorOptions } from '../src/index.ts';

export const SECRET_KEY = 'sk_test_simulator_tests';
export const PUBLISHABLE_KEY = 'pk_test_simulator_tests';

/** A simulator on a free port with fast webhooks (no random delay, no duplicates unless asked). */
export async function startPsp(over: Partial<PspSimulatorOptions> = {}) {
  const psp = createPspSimulator({
    secretKey: SECRET_KEY,
    publishableKey: PUBLISHABLE_KEY,
    seed: 42,
    duplicateRate: 0,
    maxDelayMs: 0,
    retryBaseMs: 10,
    asyncDelayMs: 20,
    ...over,
  });
  const url = await psp.listen(0);
  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${SECRET_KEY}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
    });
    const text = await res.text();
    let json: Record<string, any> = {}; // eslint-disable-line @typescript-eslint/no-explicit-any -- test reads arbitrary PSP JSON
    try {
      json = JSON.parse(text);
    } catch {
      json = { text };
    }
    return { status: res.status, headers: res.headers, body: json };
  }
  async function token(number: string, expYear = new Date().getUTCFullYear() + 2) {
    const res = await call(
      'POST',
      '/v1/tokens',
      { card: { number, exp_month: 12, exp_year: expYear, cvc: '123' } },
      { authorization: `Bearer ${PUBLISHABLE_KEY}` },
    );
    if (res.status !== 200) throw new Error(JSON.stringify(res.body));
    return res.body.id as string;
  }
  return { psp, url, call, token };
}

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  event: { id: string; type: string; data: { object: Record<string, unknown> } };
}

/** An HTTP server receiving webhooks; `answer` decides each status (default 200). */
export async function startReceiver(answer: (n: number, r: Received) => number = () => 200) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const r = { headers: req.headers, body, event: JSON.parse(body) as Received['event'] };
      received.push(r);
      res.statusCode = answer(received.length, r);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Verifies `t=…,v1=…` as a receiver would. */
export function signatureValid(header: string, body: string, secret: string): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=') as [string, string]));
  const expected = createHmac('sha256', secret).update(`${parts.t}.${body}`).digest();
  const given = Buffer.from(parts.v1 ?? '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
