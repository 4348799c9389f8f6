/** Numbers given as (nested) Python lists in layer arguments: per-channel scales, means, variances. */
import type { ArgValue } from './types';

/** The numbers of a number or nested list, in row-major order. */
export function flatNumbers(v: ArgValue): number[] {
  return Array.isArray(v) ? v.flatMap(flatNumbers) : [v as number];
}

/** numpy's shape of a number or nested list of numbers; null for anything else (unknown, strings, ragged). */
export function numericShape(v: ArgValue): number[] | null {
  if (typeof v === 'number') return [];
  if (!Array.isArray(v) || v.length === 0) return null;
  const inner = v.map(numericShape);
  const first = inner[0];
  if (first === null || inner.some((s) => s === null || s.join() !== first.join())) return null;
  return [v.length, ...first];
}
