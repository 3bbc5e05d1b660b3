import { defineErrors } from '@mercato/platform/errors';

/** The shipping service's error codes (listed in docs/errors.md). */
export const ShippingErrors = defineErrors({
  SHIPPING_ZONE_NOT_FOUND: { status: 404, title: 'Shipping zone not found' },
  SHIPPING_ZONE_EXISTS: { status: 409, title: 'A zone with this code already exists' },
  SHIPPING_COUNTRY_TAKEN: { status: 409, title: 'A country belongs to another active zone' },
  SHIPPING_METHOD_NOT_FOUND: { status: 404, title: 'Shipping method not found' },
  SHIPPING_METHOD_EXISTS: { status: 409, title: 'The zone already has a method with this code' },
  SHIPPING_RATES_INVALID: {
    status: 422,
    title: 'The rate table is not ascending or not bounded as it must be',
  },
  SHIPPING_METHOD_UNAVAILABLE: { status: 422, title: 'The method does not serve this destination or basket' },
  SHIPPING_SHIPMENT_NOT_FOUND: { status: 404, title: 'Shipment not found' },
  SHIPPING_INVALID_TRANSITION: {
    status: 409,
    title: 'The shipment cannot go to that state from where it is',
  },
  SHIPPING_CARRIER_UNAVAILABLE: { status: 503, title: 'The carrier did not answer; retry the same request' },
  SHIPPING_WEBHOOK_SIGNATURE_INVALID: {
    status: 400,
    title: 'The webhook signature is missing, wrong or too old',
  },
});
