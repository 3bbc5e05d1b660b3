import { createSettingsReader } from '@mercato/platform/client';
import type { Logger } from '@mercato/platform/logging';
import type { CheckoutClients } from '../upstream/calls.ts';
import type { CaptureMode } from './step-deps.ts';

/** The setting read (seeded by settings): when the payment is captured. */
export const CAPTURE_SETTING = 'checkout.capture';

/**
 * Reads `checkout.capture` through the kit's settings reader, reused for ttlMs: `on_confirm`
 * (default, also when the setting is missing) captures in the saga's last step; `on_shipment`
 * leaves the authorization for capture when the order ships. When settings cannot be asked
 * the last value read is used; before any, the step fails transiently and is retried.
 */
export function createCaptureSetting(
  clients: Pick<CheckoutClients, 'settings'>,
  opts: { ttlMs: number; logger: Logger; now: () => number },
): () => Promise<CaptureMode> {
  const reader = createSettingsReader<CaptureMode>({
    settings: clients.settings,
    keys: [CAPTURE_SETTING],
    parse: (values) => (values[CAPTURE_SETTING] === 'on_shipment' ? 'on_shipment' : 'on_confirm'),
    ttlMs: opts.ttlMs,
    now: opts.now,
    logger: opts.logger,
    keepLastGood: true,
  });
  return () => reader.get();
}
