/**
 * Sizes past 2^53 are not exact as JS numbers (and 10**300 overflows to Infinity): a layer's
 * result keeps only the sizes that are exact, so no rounded or infinite number is ever shown.
 */
import { InexactSize } from '../../../kernels/shape';
import type { BuildResult } from '../../../kernels/types';

/** The result with inexact params or MACs made unknown, and what was dropped; throws InexactSize for the shape. */
export function exactSizes(result: BuildResult): { result: BuildResult; dropped: string | null } {
  if (result.outputShape.some((d) => d !== null && !Number.isSafeInteger(d))) throw new InexactSize('output shape');
  const { params, macs } = result;
  const paramsExact = !params || [params.trainable, params.nonTrainable, params.trainable + params.nonTrainable].every(Number.isSafeInteger);
  const macsExact = macs === null || Number.isSafeInteger(macs);
  if (paramsExact && macsExact) return { result, dropped: null };
  const dropped = [paramsExact ? '' : 'parameter count', macsExact ? '' : 'MAC count'].filter(Boolean).join(' and ');
  return { result: { ...result, params: paramsExact ? params : null, macs: macsExact ? macs : null }, dropped };
}

export function inexactMessage(layer: { name: string; type: string }, what: string, outputUnknown: boolean): string {
  return `${layer.name} (${layer.type}): its ${what} is past 2^53, more than ConvLens can count exactly, so ${outputUnknown ? 'its output is unknown' : 'it is shown as unknown'}.`;
}
