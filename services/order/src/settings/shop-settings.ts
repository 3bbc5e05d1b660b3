import type { settingsApi } from '@mercato/contracts';
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
  let memo: { at: number; value: Promise<ShopSettings> } | undefined;
  async function read(key: string): Promise<unknown> {
    const res = await clients.settings.getSetting({ params: { key } });
    if (res.ok) return res.body.value;
    if (res.status !== 404) opts.logger.warn({ key, status: res.status }, 'settings answered a problem');
    return null;
  }
  async function load(): Promise<ShopSettings> {
    const [profile, window] = await Promise.all([read(STORE_PROFILE_KEY), read(RETURN_WINDOW_KEY)]);
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
  }
  return {
    get() {
      const now = opts.now();
      if (memo && now - memo.at < opts.ttlMs) return memo.value;
      const value = load();
      memo = { at: now, value };
      // A failed load is not kept: the next read asks again.
      value.catch(() => {
        if (memo?.value === value) memo = undefined;
      });
      return value;
    },
  };
}
