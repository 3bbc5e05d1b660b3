import type { Quote, QuoteRequest, ShippingOption } from '@mercato/contracts';
import type { Kysely } from '@mercato/platform/db';
import type { ServiceContext } from '@mercato/platform/service';
import type { MethodsTable, ShippingDB } from '../db.ts';
import { rateFor } from '../zones/rate-table.ts';
import { zoneRepository } from '../zones/zone-repository.ts';
import type { Selectable } from '@mercato/platform/db';

/** Quotes: which methods serve a destination and a basket, at what price. */
export interface QuoteService {
  quote(q: QuoteRequest): Promise<Quote>;
  /** One method's option for a basket, or undefined when it does not serve it. */
  option(q: QuoteRequest, methodCode: string): Promise<ShippingOption | undefined>;
}

/** A method's price for a basket: its bracket, or 0 past its free-shipping threshold. */
export function priceOf(
  m: Pick<Selectable<MethodsTable>, 'rate_basis' | 'rates' | 'free_over' | 'currency'>,
  basket: { weightGrams: number; subtotal: number; currency: string },
): { amount: number; free: boolean } | undefined {
  if (m.currency !== basket.currency) return undefined;
  const amount = rateFor(m.rates, m.rate_basis === 'weight' ? basket.weightGrams : basket.subtotal);
  if (amount === undefined) return undefined;
  if (m.free_over !== null && basket.subtotal >= m.free_over) return { amount: 0, free: true };
  return { amount, free: false };
}

async function quoteIn(db: Kysely<ShippingDB>, q: QuoteRequest): Promise<Quote> {
  const weightGrams = q.lines.reduce((sum, l) => sum + (l.weightGrams ?? 0) * l.quantity, 0);
  const found = await zoneRepository.forCountry(db, q.destination.country);
  if (!found) return { zone: null, weightGrams, options: [] };
  const options: ShippingOption[] = [];
  for (const m of found.methods) {
    const price = priceOf(m, { weightGrams, subtotal: q.subtotal, currency: q.currency });
    if (!price) continue;
    options.push({
      methodCode: m.code,
      name: m.name,
      kind: m.kind,
      price: { amount: price.amount, currency: m.currency },
      free: price.free,
      estimatedDays: { min: m.handling_days + m.transit_days_min, max: m.handling_days + m.transit_days_max },
    });
  }
  options.sort(
    (a, b) =>
      a.price.amount - b.price.amount ||
      a.estimatedDays.max - b.estimatedDays.max ||
      a.methodCode.localeCompare(b.methodCode),
  );
  return { zone: found.zone.code, weightGrams, options };
}

export function createQuoteService(ctx: Pick<ServiceContext<ShippingDB>, 'database'>): QuoteService {
  return {
    quote: (q) => quoteIn(ctx.database.db, q),
    async option(q, methodCode) {
      return (await quoteIn(ctx.database.db, q)).options.find((o) => o.methodCode === methodCode);
    },
  };
}
