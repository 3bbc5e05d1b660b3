import { loadConfig } from '@mercato/platform/config';
import { Type, type Static } from 'typebox';
import type { PspSimulatorOptions } from './psp-simulator.ts';

/** The simulator's default port (the launcher adds MERCATO_PORT_OFFSET). */
export const PSP_SIMULATOR_PORT = 8190;

/** The simulator's settings (environment), as its process and the launcher read them. */
export const PspSimulatorConfig = Type.Object({
  PSP_SIMULATOR_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: PSP_SIMULATOR_PORT }),
  PSP_SECRET_KEY: Type.String({ minLength: 8, description: 'the API key the payment service calls with' }),
  PSP_PUBLISHABLE_KEY: Type.String({ minLength: 8, default: 'pk_test_mercato_simulator' }),
  PSP_WEBHOOK_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  PSP_WEBHOOK_SECRET: Type.Optional(Type.String({ minLength: 16 })),
  PSP_PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  PSP_SEED: Type.Optional(Type.Integer()),
  PSP_DUPLICATE_RATE: Type.Number({ minimum: 0, maximum: 1, default: 0.1 }),
  PSP_MAX_DELAY_MS: Type.Integer({ minimum: 0, maximum: 60_000, default: 250 }),
  PSP_ASYNC_DELAY_MS: Type.Integer({ minimum: 0, maximum: 600_000, default: 2000 }),
});
export type PspSimulatorConfig = Static<typeof PspSimulatorConfig>;

/** Simulator options and port from the environment (a bad value stops start-up naming it). */
export function pspOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): {
  port: number;
  options: PspSimulatorOptions;
} {
  const cfg = loadConfig(PspSimulatorConfig, env);
  return {
    port: cfg.PSP_SIMULATOR_PORT,
    options: {
      secretKey: cfg.PSP_SECRET_KEY,
      publishableKey: cfg.PSP_PUBLISHABLE_KEY,
      ...(cfg.PSP_WEBHOOK_URL && cfg.PSP_WEBHOOK_SECRET
        ? { webhook: { url: cfg.PSP_WEBHOOK_URL, secret: cfg.PSP_WEBHOOK_SECRET } }
        : {}),
      ...(cfg.PSP_PUBLIC_URL ? { publicUrl: cfg.PSP_PUBLIC_URL } : {}),
      ...(cfg.PSP_SEED === undefined ? {} : { seed: cfg.PSP_SEED }),
      duplicateRate: cfg.PSP_DUPLICATE_RATE,
      maxDelayMs: cfg.PSP_MAX_DELAY_MS,
      asyncDelayMs: cfg.PSP_ASYNC_DELAY_MS,
    },
  };
}
