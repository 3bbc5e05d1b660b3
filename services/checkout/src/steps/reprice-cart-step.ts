import { StepFailure, done, type SagaStep } from '@mercato/platform/saga';
import type { CheckoutInput } from '../checkouts/checkout.ts';
import { FailureReasons } from '../errors.ts';
import type { PricedLine, RepricedCart, StepDeps } from '../saga/step-deps.ts';
import { UpstreamProblem } from '../upstream/calls.ts';

/**
 * Step 1: loads the cart and prices every line against the catalog now. A line whose price
 * moved since it was added fails the checkout with PRICE_CHANGED (the buyer sees the new
 * price and decides); a variant gone or not for sale with ITEM_UNAVAILABLE. Nothing to undo.
 */
export function repriceCartStep(deps: StepDeps): SagaStep<CheckoutInput> {
  return {
    name: 'reprice-cart',
    async action(ctx) {
      const { cartId } = ctx.input;
      const res = await deps.clients.cart.get({ params: { id: cartId } });
      if (!res.ok) {
        if (res.status === 404) throw new StepFailure(FailureReasons.CART_CHANGED, `cart ${cartId} is gone`);
        throw new UpstreamProblem('cart', res);
      }
      const cart = res.body;
      if (cart.status !== 'active')
        throw new StepFailure(FailureReasons.CART_CHANGED, `cart ${cartId} is ${cart.status}`);
      if (cart.lines.length === 0) throw new StepFailure(FailureReasons.CART_CHANGED, 'the cart is empty');
      if (cart.currency !== ctx.input.currency)
        throw new StepFailure(FailureReasons.CART_CHANGED, `the cart's currency is now ${cart.currency}`);

      const found = await deps.clients.catalog.lookupVariants({
        body: { skus: [...new Set(cart.lines.map((l) => l.sku))] },
      });
      if (!found.ok) throw new UpstreamProblem('catalog', found);
      const variants = new Map(found.body.items.map((v) => [v.sku, v]));
      const unavailable = cart.lines.filter((l) => !variants.get(l.sku)?.sellable).map((l) => l.sku);
      if (unavailable.length > 0) {
        throw new StepFailure(
          FailureReasons.ITEM_UNAVAILABLE,
          `no longer for sale: ${unavailable.join(', ')}`,
          { skus: unavailable },
        );
      }
      const changed = cart.lines.flatMap((l) => {
        const now = variants.get(l.sku)!.price;
        return now.amount !== l.unitPrice.amount || now.currency !== l.unitPrice.currency
          ? [{ sku: l.sku, old: l.unitPrice, new: now }]
          : [];
      });
      if (changed.length > 0) {
        throw new StepFailure(
          FailureReasons.PRICE_CHANGED,
          `the price of ${changed.map((c) => c.sku).join(', ')} changed`,
          { lines: changed },
        );
      }
      const lines: PricedLine[] = cart.lines.map((l) => {
        const v = variants.get(l.sku)!;
        return {
          sku: l.sku,
          title: titleOf(l.title, l.options),
          quantity: l.quantity,
          unitPrice: l.unitPrice,
          productId: v.productId,
          categoryIds: v.categoryIds,
          categoryHandles: v.categoryHandles,
          brandId: v.brandId,
          brandHandle: v.brandHandle,
          weightGrams: v.weightGrams,
          tax: cart.totals.taxIncluded ? 0 : l.amounts.tax,
        };
      });
      const codes = [...new Set([...cart.codes, ...ctx.input.codes.map((c) => c.trim().toUpperCase())])];
      const out: RepricedCart = {
        currency: cart.currency,
        lines,
        codes,
        subtotal: lines.reduce((s, l) => s + l.unitPrice.amount * l.quantity, 0),
      };
      return done(out);
    },
  };
}

/** "Octopus tee (M)": the product's title and the variant's options. */
function titleOf(title: string, options: Record<string, string>): string {
  const values = Object.values(options);
  return (values.length > 0 ? `${title} (${values.join(', ')})` : title).slice(0, 300);
}
