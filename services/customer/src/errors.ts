import { defineErrors } from '@mercato/platform/errors';

/** The customer service's error codes (listed in docs/errors.md). */
export const CustomerErrors = defineErrors({
  CUSTOMER_NOT_FOUND: { status: 404, title: 'Customer not found' },
  CUSTOMER_ADDRESS_NOT_FOUND: { status: 404, title: 'Address not found' },
  CUSTOMER_ADDRESS_LIMIT: { status: 409, title: 'The address book is full (20 addresses)' },
  CUSTOMER_ADDRESS_INVALID: { status: 422, title: "The address does not match its country's rules" },
  CUSTOMER_PHONE_INVALID: { status: 422, title: 'The phone number is not a valid number' },
  CUSTOMER_ANONYMIZED: { status: 410, title: 'The customer asked for their data to be erased' },
  CUSTOMER_POINTS_INSUFFICIENT: { status: 409, title: 'The adjustment would take the balance below zero' },
});
