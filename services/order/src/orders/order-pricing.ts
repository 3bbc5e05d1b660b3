import type { CreateOrderInput } from '@mercato/contracts';
import { CommonErrors } from '@mercato/platform/errors';
import { OrderErrors } from '../errors.ts';
import type { NewLine } from './order.ts';

export interface PricedOrder {
  lines: NewLine[];
  totals: { subtotal: number; discountTotal: number; shippingTotal: number; taxTotal: number; total: number };
}

function field(path: string, message: string) {
  return CommonErrors.VALIDATION_FAILED(`${path} ${message}`, { errors: [{ path, message }] });
}

/**
 * The order's lines and totals from what the checkout sent: per line, quantity × unit price
 * less its allocated discounts plus its tax; the order adds shipping. Every amount must be
 * in the order's currency (422) and not negative (400); a line's discounts cannot exceed its
 * price, and an `expectedTotal` that differs from the sum is refused (422), so an order never
 * holds totals that do not add up.
 */
export function priceOrder(input: CreateOrderInput): PricedOrder {
  const currency = input.currency;
  const inCurrency = (path: string, m: { amount: number; currency: string }) => {
    if (m.currency !== currency) {
      throw OrderErrors.ORDER_CURRENCY_MISMATCH(`${path} is in ${m.currency}, the order in ${currency}`);
    }
    if (m.amount < 0) throw field(`${path}/amount`, 'must not be negative');
    return m.amount;
  };
  const lines: NewLine[] = input.lines.map((l, i) => {
    const at = `/body/lines/${i}`;
    const unitPrice = inCurrency(`${at}/unitPrice`, l.unitPrice);
    const tax = l.tax ? inCurrency(`${at}/tax`, l.tax) : 0;
    const gross = unitPrice * l.quantity;
    const discounts = (l.discounts ?? []).map((d) => ({
      code: d.code ?? null,
      description: d.description ?? null,
      amount: d.amount,
    }));
    const discountTotal = discounts.reduce((s, d) => s + d.amount, 0);
    if (discountTotal > gross) {
      throw OrderErrors.ORDER_DISCOUNT_EXCEEDS_LINE(
        `line ${i + 1} (${l.sku}) costs ${gross} but its discounts take ${discountTotal}`,
      );
    }
    return {
      lineNo: i + 1,
      sku: l.sku,
      title: l.title,
      quantity: l.quantity,
      unitPrice,
      discounts,
      discountTotal,
      tax,
      total: gross - discountTotal + tax,
    };
  });
  const sum = (f: (l: NewLine) => number) => lines.reduce((s, l) => s + f(l), 0);
  const subtotal = sum((l) => l.unitPrice * l.quantity);
  const discountTotal = sum((l) => l.discountTotal);
  const taxTotal = sum((l) => l.tax);
  const shippingTotal = inCurrency('/body/shippingMethod/cost', input.shippingMethod.cost);
  const total = subtotal - discountTotal + taxTotal + shippingTotal;
  if (!Number.isSafeInteger(total) || !Number.isSafeInteger(subtotal)) {
    throw field('/body/lines', 'add up to more than an order can hold');
  }
  if (input.expectedTotal) {
    const expected = inCurrency('/body/expectedTotal', input.expectedTotal);
    if (expected !== total) {
      throw OrderErrors.ORDER_TOTAL_MISMATCH(`the order adds up to ${total} ${currency}, not ${expected}`);
    }
  }
  return { lines, totals: { subtotal, discountTotal, shippingTotal, taxTotal, total } };
}
