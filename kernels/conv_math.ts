/** Convolution arithmetic as Keras 3 computes it (keras/src/ops/operation_utils.py). */
import { DataFormat, Padding } from './args';
import { channelAxis } from './shape';
import { Dim, Shape } from './types';

/** The channel count of a conv input or output in its data format (null when unknown). */
export function channelCount(format: DataFormat, shape: readonly Dim[]): Dim {
  return shape[channelAxis(shape.length, format)];
}

/** The channel count of a tensor a built layer already checked (requireChannels), so known. */
export function knownChannels(format: DataFormat, shape: Shape): number {
  return channelCount(format, shape) as number;
}

/** The span of a kernel of k taps placed d apart (an atrous kernel), in input positions. */
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

/**
 * Keras' transposed-conv padding (as its JAX backend states it: pads of the stride-dilated input
 * of a full correlation), converted to ONNX ConvTranspose pads and output_padding per axis.
 */
export function transposePads(k: number, s: number, d: number, padding: Padding, outputPadding: number | null): { begin: number; end: number; extra: number } {
  const kEff = dilatedKernel(k, d);
  let left: number;
  let right: number;
  if (padding === 'valid') {
    const op = outputPadding ?? Math.max(kEff, s) - kEff;
    left = kEff - 1;
    right = kEff - 1 + op;
  } else {
    const padLen = outputPadding === null ? s + kEff - 2 : kEff + (kEff % 2) - 2 + outputPadding;
    left = Math.min(Math.floor(padLen / 2) + (padLen % 2), kEff - 1);
    right = padLen - left;
  }
  const begin = kEff - 1 - left;
  const end = kEff - 1 - right;
  return end >= 0 ? { begin, end, extra: 0 } : { begin, end: 0, extra: -end };
}

