import type { StepContext } from '@mercato/platform/saga';
import type { CheckoutConfig } from '../config.ts';
import type { CheckoutInput, Money } from '../checkouts/checkout.ts';
import type { CheckoutClients } from '../upstream/calls.ts';

/** Whether the payment is captured when the order is confirmed, or left for capture at shipment. */
export type CaptureMode = 'on_confirm' | 'on_shipment';

/** What the steps share: the typed clients, the settings, and checkout's own records. */
export interface StepDeps {
  clients: CheckoutClients;
  config: CheckoutConfig;
  /** Notes the payment of a checkout and the 3-D Secure page the buyer must visit (GET shows it). */
  recordPayment(checkoutId: string, paymentId: string, actionUrl: string | null): Promise<void>;
  /** The payment recorded for a checkout, if any. */
  recordedPayment(checkoutId: string): Promise<string | null>;
  /** The `checkout.capture` setting (cached). */
  captureMode(): Promise<CaptureMode>;
}

/** The context a checkout step gets. */
export type CheckoutStepContext = StepContext<CheckoutInput>;

/** One line as the re-priced cart gives it to the later steps. */
export interface PricedLine {
  sku: string;
  title: string;
  quantity: number;
  unitPrice: Money;
  productId: string;
  categoryIds: string[];
  categoryHandles: string[];
  brandId: string | null;
  brandHandle: string | null;
  weightGrams: number | null;
  /** Tax on the line as the cart computed it (0 when prices include tax). */
  tax: number;
}

/** What `reprice-cart` returns. */
export interface RepricedCart {
  currency: string;
  lines: PricedLine[];
  codes: string[];
  subtotal: number;
}

/** What `reserve-discount` returns: each line's discounts and what comes off shipping. */
export interface HeldDiscount {
  lines: Array<Array<{ code: string | null; description: string; amount: number }>>;
  discountTotal: number;
  shippingDiscount: number;
}

/** What `reserve-stock` returns. */
export interface HeldStock {
  reservationId: string;
  parcels: Array<{ warehouseCode: string; lines: Array<{ sku: string; quantity: number }> }>;
}

/** What `create-order` returns. */
export interface CreatedOrder {
  orderId: string;
  number: string;
  total: Money;
}

/** What `authorize-payment` returns. */
export interface AuthorizedPayment {
  paymentId: string;
}

/** A done step's output, typed by the caller (the saga keeps it as JSON). */
export function stepData<T>(ctx: CheckoutStepContext, step: string): T {
  const value = ctx.data[step];
  if (value === undefined) throw new Error(`step ${step} has no output yet`);
  return value as T;
}
