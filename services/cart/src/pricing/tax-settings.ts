import type { Logger } from '@mercato/platform/logging';
import type { CartClients } from '../upstream/calls.ts';

/** What the cart reads from settings: tax rates by country and whether prices include tax. */
export interface TaxSettings {
  /** Basis points by ISO country code (`{ "DE": 1900 }`); a country not listed has no tax. */
  rates: Record<string, number>;
  pricesIncludeTax: boolean;
  /** The store's currency (store.currency), a new cart's default. */
  currency: string | null;
}

export interface TaxSettingsReader {
  get(): Promise<TaxSettings>;
}

/** The keys read (seeded by settings; README of the cart: "Totals and rounding"). */
export const TAX_RATES_KEY = 'tax.rates';
export const PRICES_INCLUDE_TAX_KEY = 'tax.prices_include_tax';
export const STORE_CURRENCY_KEY = 'store.currency';

function ratesOf(value: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (typeof value !== 'object' || value === null) return out;
  for (const [country, rate] of Object.entries(value)) {
    if (/^[A-Z]{2}$/.test(country) && Number.isInteger(rate) && (rate as number) >= 0)
      out[country] = rate as number;
  }
  return out;
}

/**
 * Reads the tax settings through settings' API, reused for `ttlMs` (one load at a time per
 * process). A missing setting means no tax / exclusive prices / no store currency. When
 * settings cannot be asked, the last values read are used (and the failure logged): a cart
 * read should not fail on a settings outage once the rates are known; before the first
 * successful read it rejects (DEPENDENCY_UNAVAILABLE).
 */
export function createTaxSettingsReader(
  clients: Pick<CartClients, 'settings'>,
  opts: { ttlMs: number; logger: Logger },
): TaxSettingsReader {
  // Process-local on purpose: three small values, and every replica reading them itself
  // keeps a settings change visible within ttlMs without a shared invalidation.
  let memo: { at: number; value: Promise<TaxSettings> } | undefined;
  let lastGood: TaxSettings | undefined;
  async function read(key: string): Promise<unknown> {
    const res = await clients.settings.getSetting({ params: { key } });
    if (res.ok) return res.body.value;
    if (res.status !== 404) opts.logger.warn({ key, status: res.status }, 'settings answered a problem');
    return null;
  }
  async function load(): Promise<TaxSettings> {
    const [rates, inclusive, currency] = await Promise.all([
      read(TAX_RATES_KEY),
      read(PRICES_INCLUDE_TAX_KEY),
      read(STORE_CURRENCY_KEY),
    ]);
    lastGood = {
      rates: ratesOf(rates),
      pricesIncludeTax: inclusive === true,
      currency: typeof currency === 'string' && /^[A-Z]{3}$/.test(currency) ? currency : null,
    };
    return lastGood;
  }
  async function loadOrLast(): Promise<TaxSettings> {
    try {
      return await load();
    } catch (err) {
      if (!lastGood) throw err;
      opts.logger.warn({ err }, 'settings unavailable; using the tax settings last read');
      return lastGood;
    }
  }
  return {
    get() {
      const now = Date.now();
      if (memo && now - memo.at < opts.ttlMs) return memo.value;
      const value = loadOrLast();
      memo = { at: now, value };
      // A failed load is not kept: the next read asks again.
      value.catch(() => {
        if (memo?.value === value) memo = undefined;
      });
      return value;
    },
  };
}
