/** Convolution arithmetic as Keras 3 computes it (keras/src/ops/operation_utils.py). */
import { Padding } from './args';
import { Dim } from './types';

export function dilatedKernel(k: number, d: number): number {
  return d * (k - 1) + 1;
}

/** Output length of a conv or pooling window; valid may be <= 0 (the caller raises). */
export function convOutLength(input: Dim, k: number, s: number, d: number, padding: Padding): Dim {
  if (input === null) return null;
  if (padding === 'valid') return Math.floor((input - dilatedKernel(k, d)) / s) + 1;
  return Math.floor((input - 1) / s) + 1;
}

/** Padding added before the input along one axis (TF/Keras 'same': extra pixel goes after). */
export function padBefore(input: Dim, k: number, s: number, d: number, padding: Padding): number {
  const kEff = dilatedKernel(k, d);
  if (padding === 'valid') return 0;
  if (padding === 'causal') return kEff - 1;
  // With an unknown length, assume it divides by the stride (the common, aligned case).
  const inLen = input ?? s;
  const out = Math.ceil(inLen / s);
  const total = Math.max((out - 1) * s + kEff - inLen, 0);
  return Math.floor(total / 2);
}

/** Keras 3 transposed-conv output length (compute_conv_transpose_output_shape). */
export function transposeOutLength(input: Dim, k: number, s: number, d: number, padding: Padding, outputPadding: number | null): Dim {
  if (input === null) return null;
  const kEff = dilatedKernel(k, d);
  if (outputPadding === null) {
    return padding === 'valid' ? (input - 1) * s + Math.max(kEff, s) : input * s;
  }
  const pad = padding === 'same' ? Math.floor(kEff / 2) : 0;
  return (input - 1) * s + kEff - 2 * pad + outputPadding;
}

/** Elements cropped from the start of a transposed conv's full output (for RF bookkeeping). */
export function transposeCropBefore(k: number, s: number, d: number, padding: Padding, outputPadding: number | null): number {
  if (padding === 'valid') return 0;
  const kEff = dilatedKernel(k, d);
  if (outputPadding === null) return Math.floor(Math.max(kEff - s, 0) / 2);
  return Math.floor(kEff / 2);
}
