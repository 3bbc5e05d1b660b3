import countries from 'i18n-iso-countries';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { postcodeValidator, postcodeValidatorExistsForCountry } from 'postcode-validator';

/** One rule an address broke: the field and why (answered in the problem's `errors`). */
export interface AddressViolation {
  path: string;
  message: string;
}

// Where a region (state, province) is part of a deliverable address.
const REGION_REQUIRED = new Set(['US', 'CA', 'AU', 'BR', 'MX', 'IN', 'CN', 'JP', 'AR', 'IT', 'ES']);

/** Whether a code is an ISO 3166-1 alpha-2 country code (upper case). */
export function isCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && countries.isValid(code);
}

/**
 * A postal code in its country's canonical spelling: trimmed, upper case, inner runs of
 * spaces made one. Validation then uses the country's pattern (postcode-validator's table,
 * some 200 countries); a country without postal codes takes none.
 */
export function normalizePostalCode(value: string | null | undefined): string | null {
  if (value == null) return null;
  const v = value.trim().replace(/\s+/g, ' ').toUpperCase();
  return v === '' ? null : v;
}

/** A phone number as E.164, or undefined when it is not a valid number (national numbers read in `country`). */
export function normalizePhone(value: string, country?: string): string | undefined {
  const parsed = parsePhoneNumberFromString(value, country as CountryCode | undefined);
  return parsed?.isValid() ? parsed.number : undefined;
}

/** The rules of an address by its country; empty when it is deliverable as far as we can tell. */
export function checkAddress(a: {
  country: string;
  postalCode: string | null;
  region: string | null;
  phone: string | null;
}): AddressViolation[] {
  const out: AddressViolation[] = [];
  if (!isCountryCode(a.country)) {
    out.push({ path: '/country', message: `${a.country} is not an ISO 3166-1 alpha-2 country code` });
    return out;
  }
  if (postcodeValidatorExistsForCountry(a.country)) {
    if (a.postalCode === null)
      out.push({ path: '/postalCode', message: `${a.country} addresses need a postal code` });
    else if (!postcodeValidator(a.postalCode, a.country))
      out.push({ path: '/postalCode', message: `${a.postalCode} is not a postal code of ${a.country}` });
  }
  if (REGION_REQUIRED.has(a.country) && !a.region)
    out.push({ path: '/region', message: `${a.country} addresses need a region (state or province)` });
  if (a.phone !== null && normalizePhone(a.phone, a.country) === undefined)
    out.push({ path: '/phone', message: 'not a valid phone number' });
  return out;
}
