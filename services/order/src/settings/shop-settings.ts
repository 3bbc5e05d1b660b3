import type { settingsApi } from '@mercato/contracts';
import { createSettingsReader } from '@mercato/platform/client';
import type { Logger } from '@mercato/platform/logging';
import type { ClientsOf } from '@mercato/platform/service';

/** What order reads from settings: the shop's details (invoices) and the return window. */
export interface ShopSettings {
  profile: {
    name: string;
    supportEmail: string | null;
    phone: string | null;
    address: string | null;
    taxId: string | null;
  };
  returnWindowDays: number;
}

export interface ShopSettingsReader {
  get(): Promise<ShopSettings>;
}

/** The keys read: store.profile (seeded by settings) and orders.return_window_days (optional). */
export const STORE_PROFILE_KEY = 'store.profile';
export const RETURN_WINDOW_KEY = 'orders.return_window_days';

const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v : null);

/**
 * Reads the settings through settings' API (its `getSetting` contract), reused for `ttlMs`
 * per process so a change shows within that. A missing setting means the defaults (the shop
 * is "Mercato", the window ORDER_RETURN_WINDOW_DAYS); settings being down rejects
 * (DEPENDENCY_UNAVAILABLE): a return or an invoice then answers 503 rather than guess.
 */
export function createShopSettingsReader(
  clients: ClientsOf<{ settings: typeof settingsApi }>,
  opts: { ttlMs: number; defaultReturnWindowDays: number; logger: Logger; now: () => number },
): ShopSettingsReader {
  return createSettingsReader({
    settings: clients.settings,
    keys: [STORE_PROFILE_KEY, RETURN_WINDOW_KEY],
    parse(v) {
      const profile = v[STORE_PROFILE_KEY];
      const window = v[RETURN_WINDOW_KEY];
      const p = (typeof profile === 'object' && profile !== null ? profile : {}) as Record<string, unknown>;
      return {
        profile: {
          name: text(p.name) ?? 'Mercato',
          supportEmail: text(p.supportEmail),
          phone: text(p.phone),
          address: text(p.address),
          taxId: text(p.taxId),
        },
        returnWindowDays:
          Number.isInteger(window) && (window as number) >= 0
            ? (window as number)
            : opts.defaultReturnWindowDays,
      };
    },
    ttlMs: opts.ttlMs,
    now: opts.now,
    logger: opts.logger,
  });
}
