import type { orderApi } from '@mercato/contracts';
import { AppError } from '@mercato/platform/errors';
import type { ClientsOf } from '@mercato/platform/service';
import { DeliveryError } from '../providers/provider.ts';
import type { AttachmentRef, MailAttachment } from './attachment.ts';

/** The files of a message, fetched when it is sent. */
export interface AttachmentResolver {
  /**
   * The files of these references. Rejects with a transient DeliveryError when their
   * source is unavailable (the message is retried with back-off) and a permanent one when
   * it refuses (an unknown order, credentials it does not take): retrying cannot help, and
   * an admin replays the message once the cause is fixed.
   */
  resolve(refs: readonly AttachmentRef[]): Promise<MailAttachment[]>;
}

/**
 * Fetches invoices from order's `invoicePdf` route with the service's own credentials
 * (calls from the dispatcher carry no caller's token: the kit's client adds the service's).
 */
export function createAttachmentResolver(clients: ClientsOf<{ order: typeof orderApi }>): AttachmentResolver {
  async function invoice(ref: AttachmentRef): Promise<MailAttachment> {
    let res;
    try {
      res = await clients.order.invoicePdf({ params: { id: ref.orderId } });
    } catch (err) {
      // DEPENDENCY_UNAVAILABLE: order is down, slow or its breaker is open.
      const why = err instanceof AppError ? err.message : String(err);
      throw new DeliveryError(`invoice of order ${ref.orderId} not fetched: ${why}`, false, err);
    }
    if (!res.ok) {
      throw new DeliveryError(
        `invoice of order ${ref.orderId} refused: ${res.status} ${res.body.code ?? ''} ${res.body.detail ?? ''}`.trim(),
        true,
      );
    }
    if (!(res.body instanceof Uint8Array) || res.headers['content-type'] !== 'application/pdf') {
      throw new DeliveryError(
        `invoice of order ${ref.orderId}: order answered ${res.headers['content-type'] ?? 'no content type'}, not a PDF`,
        true,
      );
    }
    return { filename: ref.filename, contentType: 'application/pdf', content: res.body };
  }

  return {
    async resolve(refs) {
      return Promise.all(refs.map((ref) => invoice(ref)));
    },
  };
}
