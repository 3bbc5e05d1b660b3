import type { ServiceContext } from '@mercato/platform/service';
import type { PaymentConfig } from './config.ts';
import type { PaymentDB } from './db.ts';
import type { PaymentProvider } from './providers/payment-provider.ts';

/** What the payment use cases share: the service context, the provider adapter and a clock. */
export interface PaymentDeps {
  ctx: ServiceContext<PaymentDB, PaymentConfig>;
  provider: PaymentProvider;
  /** Milliseconds since the epoch (tests inject one: webhook tolerance, fraud windows). */
  now: () => number;
}
