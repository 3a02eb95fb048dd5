import type { PbxNumbering } from '../../protocols/common/adapter';
import {
  getCountryCallingCode,
  isSupportedCountry,
  Metadata,
  parsePhoneNumberFromString,
  type CountryCode,
} from 'libphonenumber-js/min';

/** How a directory reads numbers: its own settings, completed by what the PBX reports. */
export interface NumberPlan {
  /** ISO 3166 alpha-2; undefined = numbers without a country code are matched as they are. */
  country?: CountryCode;
  /** Without the national prefix (`30` for Berlin). */
  areaCode: string;
  /** What the PBX puts in front of every outside number it reports (`0`). */
  outsidePrefix: string;
  /** Numbers of up to this many digits are extensions. */
  internalDigits: number;
}

export type { PbxNumbering };

export const DEFAULT_INTERNAL_DIGITS = 6;

/** A country's calling code -> its main region (`49` -> `DE`, `1` -> `US`), as libphonenumber lists them. */
export function countryOfCallingCode(code: string | undefined): CountryCode | undefined {
  if (!code) return undefined;
  const regions = (new Metadata() as unknown as { metadata: { country_calling_codes: Record<string, string[]> } })
    .metadata.country_calling_codes[code.replace(/^\+/, '')];
  return regions?.[0] as CountryCode | undefined;
}

export function countryNamed(text: string | undefined): CountryCode | undefined {
  const upper = String(text ?? '')
    .trim()
    .toUpperCase();
  return upper && isSupportedCountry(upper) ? upper : undefined;
}

/**
 * The directory's plan completed by the PBX's: the directory's own settings win; a country and an
 * outside-line prefix the user left empty come from the PBX. innovaphone writes international
 * numbers as `prefix_intl` + country code and national ones as `prefix_ntl` + area code, so with
 * `prefix_ntl` `00` in Germany (national prefix `0`) the outside-line prefix is `0`.
 */
export function planWith(own: NumberPlan, pbx: PbxNumbering | undefined): NumberPlan {
  if (!pbx) return own;
  const country = own.country ?? countryOfCallingCode(pbx.countryCode);
  let outsidePrefix = own.outsidePrefix;
  if (!outsidePrefix && country && pbx.prefixNtl) {
    const national = nationalPrefixOf(country);
    if (national && pbx.prefixNtl.endsWith(national)) outsidePrefix = pbx.prefixNtl.slice(0, -national.length);
  }
  return { ...own, country, outsidePrefix };
}

const nationalPrefixes = new Map<CountryCode, string>();

function nationalPrefixOf(country: CountryCode): string {
  let prefix = nationalPrefixes.get(country);
  if (prefix === undefined) {
    const metadata = new Metadata();
    metadata.selectNumberingPlan(country);
    // Typed as internal in libphonenumber-js, but public in its Metadata class.
    prefix = (metadata.numberingPlan as unknown as { nationalPrefix(): string | undefined }).nationalPrefix() ?? '';
    nationalPrefixes.set(country, prefix);
  }
  return prefix;
}

/**
 * A number as written in a phone book or by a PBX, reduced to what dials: digits, a leading `+`,
 * and `*`/`#` of feature codes. A `tel:` URI loses its scheme and parameters (`;ext=`).
 */
export function dialable(text: string): string {
  let s = text.trim();
  if (/^tel:/i.test(s)) s = s.slice(4).split(';')[0] ?? '';
  const plus = s.startsWith('+');
  const digits = s.replace(/[^0-9*#]/g, '');
  return plus && digits ? `+${digits}` : digits;
}

/** A short number is an extension: matched exactly as it is, never turned into E.164. */
export function isExtension(number: string, plan: NumberPlan): boolean {
  return !number.startsWith('+') && (number.length <= plan.internalDigits || /[*#]/.test(number));
}

/**
 * The key a phone book number is found under: an extension as it is, an outside number as
 * E.164 where the plan's country lets it be read (a local number gets the area code first),
 * else its digits as written. `undefined` when nothing dialable is left.
 */
export function numberKey(text: string, plan: NumberPlan): string | undefined {
  const number = dialable(text);
  if (!number || number === '+') return undefined;
  if (isExtension(number, plan)) return number;
  return e164(number, plan) ?? number;
}

/**
 * The key of a number a PBX reported: an extension as it is; an outside number first loses the
 * PBX's outside-line prefix (`00301234567` -> `0301234567`), then reads as `numberKey` does.
 */
export function reportedKey(text: string, plan: NumberPlan): string | undefined {
  const number = dialable(text);
  if (!number) return undefined;
  if (isExtension(number, plan)) return number;
  const prefix = plan.outsidePrefix;
  const bare = prefix && number.startsWith(prefix) && !number.startsWith('+') ? number.slice(prefix.length) : number;
  if (!bare) return undefined;
  return e164(bare, plan) ?? bare;
}

/**
 * Whether a number without `+` starts with the country's own calling code (onlinePBX reports
 * Russian callers as `74951234567`, trunks often send `4930123456`). A local number is never that
 * long: subscriber numbers have at most 8 digits, so at least 8 digits after the code mean a whole
 * national number (an assumption from the numbering plans of the countries the PBXs serve).
 */
function withCountryCode(number: string, country: CountryCode): boolean {
  const code = getCountryCallingCode(country);
  return (
    number.length >= code.length + 8 &&
    number.startsWith(code) &&
    parsePhoneNumberFromString(`+${number}`)?.country === country
  );
}

function e164(number: string, plan: NumberPlan): string | undefined {
  if (number.startsWith('+')) return parsePhoneNumberFromString(number)?.number ?? number;
  const country = plan.country;
  if (!country) return undefined;
  let national = number;
  // A local number (no national or international prefix) lies in the directory's area.
  const prefix = nationalPrefixOf(country);
  if (plan.areaCode && prefix && !number.startsWith(prefix) && !withCountryCode(number, country)) {
    national = `${prefix}${plan.areaCode}${number}`;
  }
  const parsed = parsePhoneNumberFromString(national, country);
  return parsed?.isPossible() ? parsed.number : undefined;
}
