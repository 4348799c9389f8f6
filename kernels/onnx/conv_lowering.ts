/** ONNX Conv / ConvTranspose emission shared by the convolution kinds. */
import type { WindowConfig } from '../conv_common';
import { dilatedKernel, padBefore } from '../conv_math';
import type { LowerContext, TensorRef } from '../types';
import { applyActivation } from './activation';
import { fromSpatial, permuteWeights, toSpatial } from './layout';

/** Keras 'same'/'valid'/'causal' as explicit ONNX pads [begin..., end...] for known input sizes. */
export function explicitPads(cfg: WindowConfig, spatial: number[]): number[] {
  const begin: number[] = [];
  const end: number[] = [];
  spatial.forEach((len, i) => {
    const k = cfg.kernelSize[i];
    const s = cfg.strides[i];
    const d = cfg.dilation[i];
    const kEff = dilatedKernel(k, d);
    if (cfg.padding === 'valid') {
      begin.push(0);
      end.push(0);
    } else if (cfg.padding === 'causal') {
      begin.push(kEff - 1);
      end.push(0);
    } else {
      const out = Math.ceil(len / s);
      const total = Math.max((out - 1) * s + kEff - len, 0);
      begin.push(padBefore(len, k, s, d, 'same'));
      end.push(total - begin[i]);
    }
  });
  return [...begin, ...end];
}

export function spatialDims(ref: TensorRef, cfg: WindowConfig): number[] {
  const dims = cfg.dataFormat === 'channels_last' ? ref.shape.slice(1, -1) : ref.shape.slice(2);
  return dims.map((d) => {
    if (d === null) throw new Error('unknown spatial size');
    return d;
  });
}

export interface ConvEmit {
  /** ONNX weight layout [out, in/groups, k...]. */
  weight: Float32Array;
  weightDims: number[];
  bias: Float32Array | null;
  groups: number;
}

/** One Conv node (+ bias) on the layer input; the activation is applied by the caller. */
export function emitConv(ctx: LowerContext, cfg: WindowConfig, input: TensorRef, conv: ConvEmit, suffix = ''): string {
  const g = ctx.graph;
  const x = toSpatial(ctx, input, cfg.dataFormat);
  const inputs = [x, g.weight(`${ctx.layerName}${suffix}/kernel`, conv.weightDims, conv.weight)];
  if (conv.bias) inputs.push(g.weight(`${ctx.layerName}${suffix}/bias`, [conv.bias.length], conv.bias));
  return g.node('Conv', inputs, {
    kernel_shape: conv.weightDims.slice(2),
    strides: cfg.strides,
    dilations: cfg.dilation,
    pads: explicitPads(cfg, spatialDims(input, cfg)),
    group: conv.groups,
  }, `${ctx.layerName}${suffix}`);
}

export function finishConv(ctx: LowerContext, cfg: WindowConfig, onnxOut: string): TensorRef {
  return applyActivation(ctx, fromSpatial(ctx, onnxOut, cfg.dataFormat), cfg.activation);
}

/** Keras conv kernel [k..., in/groups, filters] -> ONNX [filters, in/groups, k...]. */
export function kernelToOnnx(data: Float32Array, kerasShape: number[]): Float32Array {
  const r = kerasShape.length;
  return permuteWeights(data, kerasShape, [r - 1, r - 2, ...Array.from({ length: r - 2 }, (_, i) => i)]);
}

/** Keras depthwise kernel [kh, kw, C, m] -> ONNX grouped Conv weight [C*m, 1, kh, kw] (channel c*m+j). */
export function depthwiseToOnnx(data: Float32Array, kh: number, kw: number, c: number, m: number): Float32Array {
  return permuteWeights(data, [kh, kw, c * m], [2, 0, 1]);
}
