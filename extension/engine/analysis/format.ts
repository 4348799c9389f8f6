/** Human-readable numbers for messages, tables and hovers. */

/** Counts past 2^53 (or infinite) are not exact, so they print as unknown: never a rounded or "Infinity" count. */
export function isExactCount(n: number): boolean {
  return Number.isFinite(n) && Math.abs(n) <= Number.MAX_SAFE_INTEGER;
}

/** 1234567 -> "1,234,567" (Intl's toLocaleString is far slower, and this runs per keystroke). */
export function formatCount(n: number): string {
  if (!isExactCount(n)) return '?';
  const digits = String(Math.abs(Math.round(n)));
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? `-${out}` : out;
}

/** 1.23G, 45.6M, 7.8K */
export function formatMacs(n: number | null): string {
  if (n === null || !isExactCount(n)) return '?';
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  return String(n);
}

export function formatShapeText(shape: (number | null)[] | null): string {
  if (!shape) return '?';
  return `(${shape.map((d) => (d === null ? 'None' : isExactCount(d) ? d : '?')).join(', ')}${shape.length === 1 ? ',' : ''})`;
}

export function percent(part: number, whole: number): string {
  return whole === 0 ? '0%' : `${((part / whole) * 100).toFixed(1)}%`;
}

/** Stride or size that may be fractional after upsampling: 0.5, 0.25, 32 */
export function formatRfNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toFixed(4)));
}
