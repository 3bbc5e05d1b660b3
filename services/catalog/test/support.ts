// The catalog tests use the shared component-test helpers: writes go as an admin by default.
export {
  callAs as call,
  eventsFor,
  expectProblem,
  TEST_ADMIN as ADMIN,
  type Body,
  type Reply,
} from '@mercato/testing';

/** A product create body with a default variant; `over` replaces fields. */
export function productBody(handle: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    handle,
    title: `Product ${handle}`,
    status: 'active',
    price: { amount: 1000, currency: 'EUR' },
    ...over,
  };
}
