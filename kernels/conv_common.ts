/** What all convolution kinds share: Keras' BaseConv argument checks and spatial output math. */
import * as a from './args';
import { convOutLength, padBefore } from './conv_math';
import { formatNumpyShape, formatShape, requireRank, spatialAxes, channelAxis } from './shape';
import { BoundArgs, Dim, KerasError, RfStep, Shape, SlidingWindow } from './types';
import type { DataFormat } from './args';

export interface WindowConfig {
  rank: number;
  kernelSize: number[];
  strides: number[];
  dilation: number[];
  padding: a.Padding;
  dataFormat: a.DataFormat;
  useBias: boolean;
  activation: string | null;
}

export function positiveFilters(args: BoundArgs, name = 'filters'): number {
  const f = a.int(args, name);
  if (f <= 0) {
    throw new KerasError('keras-filters', `Invalid value for argument \`${name}\`. Expected a strictly positive value. Received ${name}=${f}.`);
  }
  return f;
}

export function readDepthMultiplier(args: BoundArgs): number {
  const m = a.int(args, 'depth_multiplier');
  if (m <= 0) {
    throw new KerasError('keras-depth-multiplier', `Invalid value for argument \`depth_multiplier\`. Expected a strictly positive value. Received depth_multiplier=${m}.`);
  }
  return m;
}

/** kernel_size / strides / dilation_rate / padding / data_format with BaseConv's checks. */
export function readWindow(args: BoundArgs, rank: number, allowCausal = false): WindowConfig {
  const kernelSize = a.intTuple(args, 'kernel_size', rank);
  const strides = a.intTuple(args, 'strides', rank);
  const dilation = a.intTuple(args, 'dilation_rate', rank);
  const padding = a.padding(args, 'padding', allowCausal);
  const dataFormat = a.dataFormat(args);
  if (Math.max(...strides) > 1 && Math.max(...dilation) > 1) {
    throw new KerasError(
      'keras-strides-dilation',
      `\`strides > 1\` not supported in conjunction with \`dilation_rate > 1\`. Received: strides=${formatShape(strides)} and dilation_rate=${formatShape(dilation)}`,
    );
  }
  return {
    rank, kernelSize, strides, dilation, padding, dataFormat,
    useBias: args.values.has('use_bias') ? a.bool(args, 'use_bias') : true,
    activation: a.checkActivation(args),
  };
}

export interface SpatialInput {
  batch: Dim;
  spatial: Dim[];
  channels: Dim;
}

export function splitInput(shape: Shape, cfg: { rank: number; dataFormat: a.DataFormat }, layerName: string): SpatialInput {
  requireRank(shape, layerName, cfg.rank + 2);
  const axes = spatialAxes(shape.length, cfg.dataFormat);
  return { batch: shape[0], spatial: axes.map((i) => shape[i]), channels: shape[channelAxis(shape.length, cfg.dataFormat)] };
}

/** Spatial output dims with Keras' "zero or negative" error for 'valid'. */
export function windowOutput(input: Shape, inp: SpatialInput, cfg: WindowConfig, kernelShapeText: string): Dim[] {
  const out = inp.spatial.map((len, i) => convOutLength(len, cfg.kernelSize[i], cfg.strides[i], cfg.dilation[i], cfg.padding));
  if (out.some((d) => d !== null && d <= 0)) {
    throw new KerasError(
      'keras-negative-size',
      `Computed output size would be zero or negative. Received \`inputs shape=${formatShape(input)}\`, \`kernel shape=${kernelShapeText}\`, \`dilation_rate=${formatNumpyShape(cfg.dilation)}\`, \`strides=${formatShape(cfg.strides)}\`, \`padding=${cfg.padding}\`.`,
    );
  }
  return out;
}

export function windowRf(inp: SpatialInput, cfg: WindowConfig): RfStep[] {
  return inp.spatial.map((len, i) => ({
    op: 'window' as const,
    kernel: cfg.kernelSize[i],
    stride: cfg.strides[i],
    dilation: cfg.dilation[i],
    pad: padBefore(len, cfg.kernelSize[i], cfg.strides[i], cfg.dilation[i], cfg.padding),
  }));
}

export function requireChannels(channels: Dim, layerName: string, input: Shape, channelsFirst?: { format: DataFormat; error: string }): number {
  // Keras checks the channel axis only for channels_last; channels_first fails later, in build().
  if (channels === null && channelsFirst?.format === 'channels_first') throw new KerasError('keras-unknown-channels', channelsFirst.error);
  if (channels === null) {
    throw new KerasError(
      'keras-unknown-channels',
      `The channel dimension of the inputs to layer "${layerName}" should be defined. Found None. Full input shape received: ${formatShape(input)}`,
    );
  }
  return channels;
}

/** Product of known spatial output dims; null if any is unknown. */
export function spatialSize(dims: Dim[]): number | null {
  let n = 1;
  for (const d of dims) {
    if (d === null) return null;
    n *= d;
  }
  return n;
}

/** The `window` hook of every kind configured by readWindow. */
export function slidingWindow(cfg: WindowConfig): SlidingWindow {
  return { kernelSize: cfg.kernelSize, strides: cfg.strides, dilation: cfg.dilation, dataFormat: cfg.dataFormat };
}
