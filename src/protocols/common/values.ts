/**
 * An integer from a JSON number or a numeric string (PBXs and flows send ids both ways);
 * undefined for anything else, fractions and unsafe integers included.
 */
export function integerOf(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * A text field of a PBX frame, taken as sent (not trimmed: a name may carry its spaces): a
 * non-empty string, or a finite number as its decimal text (ids and numbers arrive both ways).
 * Empty strings and anything else are undefined.
 */
export function textOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/**
 * A text parameter from a flow (`msg.payload`), trimmed as typed in the editor: a string with
 * its outer blanks removed, or a number as text. Blank strings and anything else are undefined,
 * so a required parameter given as `true` or `{}` is reported missing, not sent as "true".
 */
export function paramTextOf(v: unknown): string | undefined {
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  return s === '' ? undefined : s;
}

/** A yes/no field sent as a boolean, 'true'/'false', 1/0 or '1'/'0'; anything else is undefined. */
export function flagOf(v: unknown): boolean | undefined {
  if (v === true || v === 'true' || v === 1 || v === '1') return true;
  if (v === false || v === 'false' || v === 0 || v === '0') return false;
  return undefined;
}

/** A text that goes as given when there is one (`String` of it), else absent. */
export function givenText(v: unknown): string | undefined {
  return v === undefined ? undefined : String(v);
}

/**
 * A yes/no field that counts only when given, as the editor's checkboxes store it: `true`/'true'
 * is yes, any other value no; absent or blank is undefined.
 */
export function givenYes(v: unknown): boolean | undefined {
  return v === undefined || v === '' ? undefined : v === true || v === 'true';
}
