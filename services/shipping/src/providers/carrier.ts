/** A label a carrier made for one parcel. */
export interface CarrierLabel {
  trackingNumber: string;
  labelUrl: string;
}

/** A tracking update as a carrier reports it (webhook), in Mercato's terms. */
export interface CarrierTrackingEvent {
  eventId: string;
  trackingNumber: string;
  /** What Mercato gave the carrier as the parcel's reference (the shipment id). */
  reference: string | null;
  status: 'label_created' | 'in_transit' | 'out_for_delivery' | 'delivered' | 'exception' | 'cancelled';
  detail: string;
  occurredAt: Date;
}

/**
 * A parcel carrier behind the shipping service (ARCHITECTURE.md §9). The built-in one talks
 * to the carrier simulator over HTTP; a real carrier is one more file implementing this.
 * Calls are idempotent: createLabel by `idempotencyKey`, the others by the tracking number.
 */
export interface CarrierProvider {
  readonly name: string;
  createLabel(req: {
    idempotencyKey: string;
    reference: string;
    service: string;
    weightGrams: number;
    toCountry: string;
  }): Promise<CarrierLabel>;
  /** Voids a label before pickup; false when the carrier already has the parcel. */
  voidLabel(trackingNumber: string): Promise<boolean>;
  /** Hands the parcel over (pickup booked and done). */
  pickup(trackingNumber: string): Promise<void>;
  /** Reads and verifies a webhook delivery (throws WebhookSignatureError when it is not the carrier's). */
  parseWebhook(rawBody: string, headers: Record<string, string | string[] | undefined>): CarrierTrackingEvent;
}

/** The carrier did not answer usefully (network, 5xx, timeout): the caller may retry the same request. */
export class CarrierUnavailableError extends Error {}
