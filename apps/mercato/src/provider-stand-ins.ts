import { serviceManifests } from '@mercato/contracts';
import { CARRIER_SIMULATOR_PORT, PSP_SIMULATOR_PORT } from '@mercato/simulators';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

/** The simulators' process entry point (distributed mode). */
export const simulatorsMain = fileURLToPath(new URL('../../simulators/src/main.ts', import.meta.url));

/** A stand-in for an outside provider: the settings of its simulator and those that point the services at it. */
export interface StandIn {
  port: number;
  simulatorEnv: Record<string, string>;
  serviceEnv: Record<string, string>;
}

/**
 * The carrier simulator the launcher runs (ARCHITECTURE.md §9) unless SHIPPING_CARRIER_URL
 * names a real carrier: on the manifest-style port plus the offset, with an API key and a
 * webhook secret made for this start, sending its tracking webhooks to the shipping service.
 * A picked-up parcel moves on every CARRIER_AUTO_ADVANCE_MS (default 15 s) until delivered,
 * so the demo's orders reach "delivered" on their own.
 */
export function carrierStandIn(offset: number, env: NodeJS.ProcessEnv = process.env): StandIn | undefined {
  if (env.SHIPPING_CARRIER_URL) return undefined;
  const port = CARRIER_SIMULATOR_PORT + offset;
  const apiKey = `ck_${randomBytes(18).toString('hex')}`;
  const secret = `whsec_${randomBytes(24).toString('hex')}`;
  return {
    port,
    simulatorEnv: {
      CARRIER_SIMULATOR_PORT: String(port),
      CARRIER_API_KEY: apiKey,
      CARRIER_WEBHOOK_URL: `http://127.0.0.1:${serviceManifests.shipping.port + offset}/api/v1/shipping/webhooks/carrier`,
      CARRIER_WEBHOOK_SECRET: secret,
      CARRIER_AUTO_ADVANCE_MS: env.CARRIER_AUTO_ADVANCE_MS ?? '15000',
    },
    serviceEnv: {
      SHIPPING_CARRIER_URL: `http://127.0.0.1:${port}`,
      SHIPPING_CARRIER_API_KEY: apiKey,
      SHIPPING_CARRIER_WEBHOOK_SECRET: secret,
    },
  };
}

/**
 * The PSP simulator the launcher runs (ARCHITECTURE.md §9) unless PSP_API_URL names another
 * provider: on its port plus the offset, with a secret API key and a webhook secret made for
 * this start, sending its signed webhooks to the payment service. Its 3-D Secure pages are
 * linked at its loopback address (PSP_PUBLIC_URL overrides, e.g. behind a proxy).
 */
export function pspStandIn(offset: number, env: NodeJS.ProcessEnv = process.env): StandIn | undefined {
  if (env.PSP_API_URL) return undefined;
  const port = PSP_SIMULATOR_PORT + offset;
  const secretKey = `sk_test_${randomBytes(18).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(24).toString('hex')}`;
  return {
    port,
    simulatorEnv: {
      PSP_SIMULATOR_PORT: String(port),
      PSP_SECRET_KEY: secretKey,
      PSP_WEBHOOK_URL: `http://127.0.0.1:${serviceManifests.payment.port + offset}/api/v1/payments/webhooks/simulator`,
      PSP_WEBHOOK_SECRET: webhookSecret,
    },
    serviceEnv: {
      PSP_API_URL: `http://127.0.0.1:${port}`,
      PSP_SECRET_KEY: secretKey,
      PSP_WEBHOOK_SECRET: webhookSecret,
    },
  };
}
