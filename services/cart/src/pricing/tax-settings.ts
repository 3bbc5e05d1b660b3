import { createSettingsReader } from '@mercato/platform/client';
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
 * Reads the tax settings through settings' API, reused for `ttlMs`. A missing setting means
 * no tax / exclusive prices / no store currency. When settings cannot be asked, the last values
 * read are used: a cart read should not fail on a settings outage once the rates are known;
 * before the first successful read it rejects (DEPENDENCY_UNAVAILABLE).
 */
export function createTaxSettingsReader(
  clients: Pick<CartClients, 'settings'>,
  opts: { ttlMs: number; logger: Logger; now: () => number },
): TaxSettingsReader {
  return createSettingsReader({
    settings: clients.settings,
    keys: [TAX_RATES_KEY, PRICES_INCLUDE_TAX_KEY, STORE_CURRENCY_KEY],
    parse: (v) => ({
      rates: ratesOf(v[TAX_RATES_KEY]),
      pricesIncludeTax: v[PRICES_INCLUDE_TAX_KEY] === true,
      currency:
        typeof v[STORE_CURRENCY_KEY] === 'string' && /^[A-Z]{3}$/.test(v[STORE_CURRENCY_KEY])
          ? v[STORE_CURRENCY_KEY]
          : null,
    }),
    ttlMs: opts.ttlMs,
    now: opts.now,
    logger: opts.logger,
    keepLastGood: true,
  });
}
