import { loadConfig } from '@mercato/platform/config';
import { Type, type Static } from 'typebox';
import type { CarrierSimulatorOptions } from './carrier-simulator.ts';

/** The carrier simulator's default port (the launcher adds MERCATO_PORT_OFFSET). */
export const CARRIER_SIMULATOR_PORT = 8191;

/** The carrier simulator's settings (environment). */
export const CarrierSimulatorConfig = Type.Object({
  CARRIER_SIMULATOR_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: CARRIER_SIMULATOR_PORT }),
  CARRIER_API_KEY: Type.String({ minLength: 8, description: 'the API key the shipping service calls with' }),
  CARRIER_WEBHOOK_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  CARRIER_WEBHOOK_SECRET: Type.Optional(Type.String({ minLength: 16 })),
  CARRIER_SEED: Type.Optional(Type.Integer()),
  CARRIER_DUPLICATE_RATE: Type.Number({ minimum: 0, maximum: 1, default: 0.1 }),
  CARRIER_MAX_DELAY_MS: Type.Integer({ minimum: 0, maximum: 60_000, default: 250 }),
  CARRIER_AUTO_ADVANCE_MS: Type.Integer({ minimum: 0, maximum: 86_400_000, default: 0 }),
});
export type CarrierSimulatorConfig = Static<typeof CarrierSimulatorConfig>;

/** Carrier simulator options and port from the environment; undefined when CARRIER_API_KEY is unset (not started). */
export function carrierOptionsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): { port: number; options: CarrierSimulatorOptions } | undefined {
  if (!env.CARRIER_API_KEY) return undefined;
  const cfg = loadConfig(CarrierSimulatorConfig, env);
  return {
    port: cfg.CARRIER_SIMULATOR_PORT,
    options: {
      apiKey: cfg.CARRIER_API_KEY,
      ...(cfg.CARRIER_WEBHOOK_URL && cfg.CARRIER_WEBHOOK_SECRET
        ? { webhook: { url: cfg.CARRIER_WEBHOOK_URL, secret: cfg.CARRIER_WEBHOOK_SECRET } }
        : {}),
      ...(cfg.CARRIER_SEED === undefined ? {} : { seed: cfg.CARRIER_SEED }),
      duplicateRate: cfg.CARRIER_DUPLICATE_RATE,
      maxDelayMs: cfg.CARRIER_MAX_DELAY_MS,
      autoAdvanceMs: cfg.CARRIER_AUTO_ADVANCE_MS,
    },
  };
}
