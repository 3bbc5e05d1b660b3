import type { Logger } from '@mercato/platform/logging';
import type { CheckoutClients } from '../upstream/calls.ts';
import type { CaptureMode } from './step-deps.ts';

/** The setting read (seeded by settings): when the payment is captured. */
export const CAPTURE_SETTING = 'checkout.capture';

/**
 * Reads `checkout.capture` through settings' API, reused for ttlMs: `on_confirm` (default,
 * also when the setting is missing) captures in the saga's last step; `on_shipment` leaves
 * the authorization for capture when the order ships. When settings cannot be asked, the
 * last value read (or the default) is used.
 */
export function createCaptureSetting(
  clients: Pick<CheckoutClients, 'settings'>,
  opts: { ttlMs: number; logger: Logger; now: () => number },
): () => Promise<CaptureMode> {
  let memo: { at: number; value: CaptureMode } | undefined;
  return async () => {
    if (memo && opts.now() - memo.at < opts.ttlMs) return memo.value;
    let value: CaptureMode = memo?.value ?? 'on_confirm';
    try {
      const res = await clients.settings.getSetting({ params: { key: CAPTURE_SETTING } });
      if (res.ok) value = res.body.value === 'on_shipment' ? 'on_shipment' : 'on_confirm';
      else if (res.status === 404) value = 'on_confirm';
    } catch (err) {
      opts.logger.warn({ err }, 'settings could not be asked for checkout.capture; using the last value');
    }
    memo = { at: opts.now(), value };
    return value;
  };
}
