/**
 * An integer from a JSON number or a numeric string (PBXs and flows send ids both ways);
 * undefined for anything else, fractions and unsafe integers included.
 */
export function integerOf(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isSafeInteger(n) ? n : undefined;
}
