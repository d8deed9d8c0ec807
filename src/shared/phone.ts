/**
 * Phone numbers as one spelling (E.164, "+97333445566"), whatever the caller or citizen typed:
 * "3344 5566", "0097333445566", "+973 3344 5566". A number without a country code is read in the
 * deployment's country (its profile's `country`). libphonenumber-js with full metadata decides what
 * is a real number there, so a typing slip is caught at filing rather than found when staff call.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/** The E.164 form of `raw` read in `country` (ISO 3166 alpha-2), or null when it is not a valid number. */
export function normalisePhone(raw: string, country: string): string | null {
  const parsed = parsePhoneNumberFromString(raw.trim(), country.toUpperCase() as CountryCode);
  return parsed?.isValid() ? parsed.number : null;
}

/** The spellings a stored phone may have: the E.164 form, and the text as typed (cases stored before phones were normalised). */
export function phoneSpellings(raw: string, country: string): string[] {
  const e164 = normalisePhone(raw, country);
  return [...new Set([...(e164 ? [e164] : []), raw.trim()])];
}
