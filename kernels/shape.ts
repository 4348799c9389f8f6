/** Shape helpers shared by kernels: rank checks, spatial axes, Keras-style shape text. */
import { DataFormat } from './args';
import { Dim, KerasError, Shape } from './types';

export function formatShape(shape: readonly Dim[]): string {
  const parts = shape.map((d) => (d === null ? 'None' : String(d)));
  return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
}

/** A shape as numpy prints an array of it (`[None 3 3 64]`): Keras puts some shapes through np.array before printing. */
export function formatNumpyShape(shape: readonly Dim[]): string {
  return `[${shape.map((d) => (d === null ? 'None' : String(d))).join(' ')}]`;
}

/** Keras InputSpec ndim / min_ndim check. */
export function requireRank(shape: Shape, layerName: string, rank: number, exact = true): void {
  const ok = exact ? shape.length === rank : shape.length >= rank;
  if (!ok) {
    throw new KerasError(
      'keras-input-rank',
      `Input 0 of layer "${layerName}" is incompatible with the layer: expected ${exact ? 'ndim' : 'min_ndim'}=${rank}, found ndim=${shape.length}. Full shape received: ${formatShape(shape)}`,
    );
  }
}

export function channelAxis(rank: number, format: DataFormat): number {
  return format === 'channels_last' ? rank - 1 : 1;
}

/** Indices of the spatial axes of a rank-`rank` tensor. */
export function spatialAxes(rank: number, format: DataFormat): number[] {
  const first = format === 'channels_last' ? 1 : 2;
  return Array.from({ length: rank - 2 }, (_, i) => first + i);
}

/** Assemble [batch, ...spatial, channels] in the given data format. */
export function assemble(batch: Dim, spatial: Dim[], channels: Dim, format: DataFormat): Shape {
  return format === 'channels_last' ? [batch, ...spatial, channels] : [batch, channels, ...spatial];
}

/**
 * A size past 2^53, which a JS number cannot hold exactly: the layer's output becomes unknown
 * rather than a rounded (wrong) number.
 */
export class InexactSize extends Error {
  constructor(readonly what: string) {
    super(`${what} past 2^53`);
  }
}

/** Number of elements of the non-batch part, or null when any dim is unknown. */
export function elements(shape: Shape): number | null {
  return knownProduct(shape.slice(1));
}

/** Product of dims, null if any unknown; throws InexactSize past 2^53. */
export function knownProduct(dims: readonly Dim[]): number | null {
  let n = 1;
  for (const d of dims) {
    if (d === null) return null;
    n *= d;
  }
  if (!Number.isSafeInteger(n)) throw new InexactSize('number of elements');
  return n;
}
