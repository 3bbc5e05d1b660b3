import { CommonErrors, type AppError } from '@mercato/platform/errors';
import { PaymentErrors } from '../errors.ts';
import { ProviderRefusal, ProviderUnavailable } from '../providers/payment-provider.ts';

/** How a provider failure answers the caller: 503 when the outcome is unknown, 422 when the provider said no. */
export function providerProblem(err: unknown): AppError {
  if (err instanceof ProviderUnavailable) {
    return CommonErrors.DEPENDENCY_UNAVAILABLE(
      'the payment provider did not answer; retry with the same Idempotency-Key',
      {
        headers: { 'retry-after': '1' },
      },
    );
  }
  if (err instanceof ProviderRefusal) {
    return PaymentErrors.PAYMENT_PROVIDER_REFUSED(`${err.code}: ${err.message}`);
  }
  throw err;
}

/** Ledger status and detail of a failed provider call. */
export function failureDetail(err: unknown): { status: 'failed' | 'error'; detail: Record<string, unknown> } {
  if (err instanceof ProviderRefusal)
    return { status: 'failed', detail: { code: err.code, message: err.message } };
  return { status: 'error', detail: { message: err instanceof Error ? err.message : String(err) } };
}
