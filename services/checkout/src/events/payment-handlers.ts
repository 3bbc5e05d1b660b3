import type { EventSubscription } from '@mercato/platform/messaging';
import type { Logger } from '@mercato/platform/logging';
import type { SagaEngine } from '@mercato/platform/saga';
import type { CheckoutDB } from '../db.ts';
import type { PaymentSignal } from '../steps/authorize-payment-step.ts';

/**
 * Payment's outcome events wake a checkout waiting for its buyer's 3-D Secure answer
 * (engine.signal → the authorize-payment step asks payment again and decides). The signal is
 * sent after the handler's transaction, on its own connection; one that is lost (a crash
 * between) is made up for by the step's own poll.
 */
export function paymentSubscription(engine: SagaEngine, logger: Logger): EventSubscription<CheckoutDB> {
  const wake = (checkoutId: string | null, signal: PaymentSignal) => {
    if (!checkoutId) return;
    setImmediate(() => {
      engine.signal(checkoutId, 'authorize-payment', signal).catch((err: unknown) => {
        logger.warn({ err, checkoutId }, 'could not wake a checkout on its payment outcome; its poll will');
      });
    });
  };
  return {
    name: 'payment-outcomes',
    on: {
      'payment.authorized': async (_trx, { data }) =>
        wake(data.checkoutId, { paymentId: data.paymentId, status: 'authorized' }),
      'payment.failed': async (_trx, { data }) =>
        wake(data.checkoutId, { paymentId: data.paymentId, status: 'failed' }),
    },
  };
}
