/** ZeroPadding2D and Cropping2D: add or remove rows and columns at the borders. */
import * as a from './args';
import { splitInput } from './conv_common';
import { assemble, formatShape } from './shape';
import { fromSpatial, toSpatial } from './onnx/layout';
import { ArgValue, KerasError, LayerKernel } from './types';

interface BorderConfig {
  rank: number;
  /** [[top, bottom], [left, right]] */
  amounts: [number, number][];
  dataFormat: a.DataFormat;
}

/** int | (sym_h, sym_w) | ((top, bottom), (left, right)), as Keras accepts. */
function readBorders(v: ArgValue, name: string): [number, number][] {
  const bad = () => new KerasError(
    'keras-arg-tuple',
    `\`${name}\` should be either an int, a tuple of 2 ints (symmetric_height_${name}, symmetric_width_${name}), or a tuple of 2 tuples of 2 ints ((top_${name}, bottom_${name}), (left_${name}, right_${name})). Received: ${name}=${a.pyRepr(v)}.`,
  );
  if (a.isInt(v)) {
    if (v < 0) throw bad();
    return [[v, v], [v, v]];
  }
  if (!Array.isArray(v) || v.length !== 2) throw bad();
  return v.map((e) => {
    if (a.isInt(e) && e >= 0) return [e, e] as [number, number];
    if (Array.isArray(e) && e.length === 2 && e.every((x) => a.isInt(x) && x >= 0)) return e as [number, number];
    throw bad();
  });
}

export const ZeroPadding2D: LayerKernel<BorderConfig> = {
  type: 'ZeroPadding2D',
  family: 'reshape',
  description: 'Adds rows and columns of zeros at the top, bottom, left and right.',
  docUrl: 'https://keras.io/api/layers/reshaping_layers/zero_padding2d/',
  params: [
    { name: 'padding', default: [1, 1] },
    { name: 'data_format', default: null },
  ],
  configure: (args) => ({ rank: 2, amounts: readBorders(a.raw(args, 'padding'), 'padding'), dataFormat: a.dataFormat(args) }),
  build(cfg, [input], { layerName }) {
    const inp = splitInput(input, cfg, layerName);
    const spatial = inp.spatial.map((d, i) => (d === null ? null : d + cfg.amounts[i][0] + cfg.amounts[i][1]));
    return {
      outputShape: assemble(inp.batch, spatial, inp.channels, cfg.dataFormat),
      params: { trainable: 0, nonTrainable: 0 },
      macs: 0,
      rf: { steps: cfg.amounts.map(([before]) => ({ op: 'window' as const, kernel: 1, stride: 1, dilation: 1, pad: before })) },
    };
  },
  lower(cfg, ctx) {
    const g = ctx.graph;
    const [[t, b], [l, r]] = cfg.amounts;
    const pads = g.int64s(`${ctx.layerName}/pads`, [0, 0, t, l, 0, 0, b, r]);
    return fromSpatial(ctx, g.node('Pad', [toSpatial(ctx, ctx.inputs[0], cfg.dataFormat), pads], { mode: 'constant' }, ctx.layerName), cfg.dataFormat);
  },
};

export const Cropping2D: LayerKernel<BorderConfig> = {
  type: 'Cropping2D',
  family: 'reshape',
  description: 'Removes rows and columns at the top, bottom, left and right.',
  docUrl: 'https://keras.io/api/layers/reshaping_layers/cropping2d/',
  params: [
    { name: 'cropping', default: [[0, 0], [0, 0]] },
    { name: 'data_format', default: null },
  ],
  configure: (args) => ({ rank: 2, amounts: readBorders(a.raw(args, 'cropping'), 'cropping'), dataFormat: a.dataFormat(args) }),
  build(cfg, [input], { layerName }) {
    const inp = splitInput(input, cfg, layerName);
    const spatial = inp.spatial.map((d, i) => (d === null ? null : d - cfg.amounts[i][0] - cfg.amounts[i][1]));
    if (spatial.some((d) => d !== null && d <= 0)) {
      throw new KerasError(
        'keras-negative-size',
        `\`cropping\` parameter of \`Cropping2D\` layer must be smaller than the input size. Received: inputs.shape=${formatShape(input)}, and cropping=${a.pyRepr(cfg.amounts)}`,
      );
    }
    return {
      outputShape: assemble(inp.batch, spatial, inp.channels, cfg.dataFormat),
      params: { trainable: 0, nonTrainable: 0 },
      macs: 0,
      rf: { steps: cfg.amounts.map(([before]) => ({ op: 'window' as const, kernel: 1, stride: 1, dilation: 1, pad: -before })) },
    };
  },
  lower(cfg, ctx) {
    const g = ctx.graph;
    const n = ctx.layerName;
    const input = ctx.inputs[0];
    const spatial = cfg.dataFormat === 'channels_last' ? input.shape.slice(1, 3) : input.shape.slice(2, 4);
    const starts = g.int64s(`${n}/starts`, cfg.amounts.map(([before]) => before));
    const ends = g.int64s(`${n}/ends`, cfg.amounts.map(([, after], i) => (spatial[i] as number) - after));
    const axes = g.int64s(`${n}/axes`, [2, 3]);
    return fromSpatial(ctx, g.node('Slice', [toSpatial(ctx, input, cfg.dataFormat), starts, ends, axes], {}, n), cfg.dataFormat);
  },
};
