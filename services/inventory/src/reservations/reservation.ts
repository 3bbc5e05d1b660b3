// The reservation schemas are inventory's public contract (packages/contracts, inventory-api.ts):
// the checkout saga's typed client is built from the same ones.
export {
  CreateReservationBody,
  ReleaseBody,
  ReservationQuery,
  ReservationSchema,
  type CreateReservationInput,
  type ReleaseInput,
  type Reservation,
  type ReservationFilter,
} from '@mercato/contracts';

/** A line whose quantity could not be held, as the 409 names it. */
export interface Shortage {
  lineNo: number;
  sku: string;
  requested: number;
  available: number;
}
