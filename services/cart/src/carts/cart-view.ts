import type { Availability, Evaluation, VariantSnapshot } from '@mercato/contracts';
import type { Logger } from '@mercato/platform/logging';
import { computeTotals } from '../pricing/totals.ts';
import type { TaxSettings, TaxSettingsReader } from '../pricing/tax-settings.ts';
import {
  evaluateDiscounts,
  lookupAvailability,
  lookupVariants,
  sellableUnits,
  type CartClients,
  type DiscountRequest,
} from '../upstream/calls.ts';
import type { CartLine, CartLineView, CartRecord, CartView } from './cart.ts';

/** What a read checked the stored lines against; a map is undefined when its service could not be asked. */
export interface Revalidation {
  variants: Map<string, VariantSnapshot> | undefined;
  availability: Map<string, Availability> | undefined;
  /** What discount gave the lines; undefined when it could not be asked (no discount then). */
  evaluation: Evaluation | undefined;
}

/** The evaluate request of a cart: its lines at their stored prices, as added. */
export function discountRequest(cart: CartRecord): DiscountRequest {
  return {
    currency: cart.currency,
    customerId: cart.customerId,
    codes: cart.codes,
    lines: cart.lines.map((l) => ({
      sku: l.sku,
      productId: l.snapshot.productId,
      categoryIds: l.snapshot.categoryIds ?? [],
      categoryHandles: l.snapshot.categoryHandles ?? [],
      brandId: l.snapshot.brandId ?? null,
      brandHandle: l.snapshot.brandHandle ?? null,
      unitPrice: l.snapshot.unitPrice.amount,
      quantity: l.quantity,
    })),
  };
}

/** Each line's discount by position, from an evaluation of `discountRequest(cart)`. */
function lineDiscounts(cart: CartRecord, evaluation: Evaluation | undefined): number[] {
  const out = cart.lines.map(() => 0);
  for (const l of evaluation?.lines ?? []) if (l.lineIndex < out.length) out[l.lineIndex] = l.discount;
  return out;
}

function issuesOf(line: CartLine, facts: Revalidation): CartLineView['issues'] {
  const variant = facts.variants?.get(line.sku);
  const price = line.snapshot.unitPrice;
  const priceChanged =
    variant && (variant.price.amount !== price.amount || variant.price.currency !== price.currency)
      ? { old: price, new: variant.price }
      : null;
  const avail = facts.availability?.get(line.sku);
  const units = facts.availability ? sellableUnits(avail) : Number.POSITIVE_INFINITY;
  const gone = facts.variants ? !variant || !variant.sellable : line.deactivated;
  const unavailable = gone || units === 0;
  return {
    priceChanged,
    unavailable,
    insufficientStock: !unavailable && units < line.quantity ? { available: units } : null,
  };
}

/**
 * The cart as a reader sees it: the stored lines at their stored prices, each with what
 * the catalog and inventory say now (the cart is not changed by a read), and the totals.
 */
export function buildView(cart: CartRecord, facts: Revalidation, tax: TaxSettings): CartView {
  const taxRate = cart.country ? (tax.rates[cart.country] ?? 0) : 0;
  const discounts = lineDiscounts(cart, facts.evaluation);
  const computed = computeTotals({
    currency: cart.currency,
    lines: cart.lines.map((l, i) => ({
      subtotal: l.snapshot.unitPrice.amount * l.quantity,
      discount: discounts[i] ?? 0,
    })),
    shipping: 0,
    taxRate,
    taxIncluded: tax.pricesIncludeTax,
    taxCountry: cart.country,
  });
  return {
    id: cart.id,
    customerId: cart.customerId,
    status: cart.status,
    currency: cart.currency,
    country: cart.country,
    version: cart.version,
    lines: cart.lines.map((l, i) => ({
      sku: l.sku,
      quantity: l.quantity,
      variantId: l.snapshot.variantId,
      productId: l.snapshot.productId,
      title: l.snapshot.title,
      options: l.snapshot.options,
      image: l.snapshot.image,
      unitPrice: l.snapshot.unitPrice,
      weightGrams: l.snapshot.weightGrams,
      addedAt: l.addedAt,
      amounts: computed.lines[i] ?? { subtotal: 0, discount: 0, tax: 0, total: 0 },
      issues: issuesOf(l, facts),
    })),
    totals: computed.totals,
    codes: cart.codes,
    discounts: {
      applied: (facts.evaluation?.applied ?? []).map((a) => ({
        promotionId: a.promotionId,
        name: a.name,
        kind: a.kind,
        code: a.code,
        amount: a.amount,
      })),
      refused: facts.evaluation?.refused ?? [],
    },
    revalidation: {
      catalog: facts.variants !== undefined,
      inventory: facts.availability !== undefined,
      discount: facts.evaluation !== undefined || cart.lines.length === 0,
    },
    createdAt: cart.createdAt,
    updatedAt: cart.updatedAt,
    expiresAt: cart.expiresAt,
  };
}

/** What catalog and inventory said of some SKUs during this request (an add asks before writing). */
export interface KnownFacts {
  variants: Map<string, VariantSnapshot>;
  availability: Map<string, Availability>;
}

export interface CartViewer {
  /**
   * Revalidates an active cart's lines (catalog and inventory in parallel) and builds its
   * view. `known`: answers this request already has; when they cover every line, catalog
   * and inventory are not asked again (discount still is: it evaluates the saved lines).
   */
  view(cart: CartRecord, known?: KnownFacts): Promise<CartView>;
}

export function createCartViewer(clients: CartClients, tax: TaxSettingsReader, logger: Logger): CartViewer {
  // A read answers even when catalog or inventory cannot: the lines as stored, flagged
  // as not revalidated (`revalidation`), rather than no cart at all.
  async function settled<T>(what: string, p: Promise<T>): Promise<T | undefined> {
    try {
      return await p;
    } catch (err) {
      logger.warn({ err }, `cart read without ${what} revalidation`);
      return undefined;
    }
  }
  return {
    async view(cart, known) {
      const skus = cart.lines.map((l) => l.sku);
      const check = cart.status === 'active' && skus.length > 0;
      const covered =
        known !== undefined && skus.every((s) => known.variants.has(s) && known.availability.has(s));
      // The four questions go out together: discount evaluates the stored lines (their
      // prices and snapshot categories), not the catalog's answer, so it need not wait for it.
      const [variants, availability, evaluation, settings] = await Promise.all([
        check && !covered ? settled('catalog', lookupVariants(clients, skus)) : known?.variants,
        check && !covered ? settled('inventory', lookupAvailability(clients, skus)) : known?.availability,
        check ? settled('discount', evaluateDiscounts(clients, discountRequest(cart))) : undefined,
        tax.get(),
      ]);
      // An empty cart has nothing to check; a closed one is shown as it was (not revalidated).
      const none = skus.length === 0 ? new Map() : undefined;
      return buildView(
        cart,
        { variants: check ? variants : none, availability: check ? availability : none, evaluation },
        settings,
      );
    },
  };
}
