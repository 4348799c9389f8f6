/** UpSampling2D: repeats rows and columns (nearest) or interpolates (bilinear, half-pixel centres). */
import * as a from './args';
import { splitInput } from './conv_common';
import { assemble, elements } from './shape';
import { fromSpatial, toSpatial } from './onnx/layout';
import { KerasError, LayerKernel, LoweringError } from './types';

export interface UpSamplingConfig {
  rank: number;
  size: number[];
  dataFormat: a.DataFormat;
  interpolation: string;
}

const INTERPOLATIONS = ['bicubic', 'bilinear', 'lanczos3', 'lanczos5', 'nearest'];
/** Taps per output element along one axis, for the MAC count (nearest copies, no MACs). */
const TAPS: Record<string, number> = { nearest: 0, bilinear: 2, bicubic: 4, lanczos3: 6, lanczos5: 10 };

export const UpSampling2D: LayerKernel<UpSamplingConfig> = {
  type: 'UpSampling2D',
  family: 'resize',
  description: 'Upsampling by integer factors with no weights: nearest repeats pixels, bilinear interpolates with half-pixel centres.',
  docUrl: 'https://keras.io/api/layers/reshaping_layers/up_sampling2d/',
  params: [
    { name: 'size', default: [2, 2] },
    { name: 'data_format', default: null },
    { name: 'interpolation', default: 'nearest' },
  ],
  configure(args) {
    const interpolation = a.str(args, 'interpolation').toLowerCase();
    if (!INTERPOLATIONS.includes(interpolation)) {
      throw new KerasError(
        'keras-interpolation',
        `Invalid value for argument \`interpolation\`. Expected one of ${INTERPOLATIONS.map((i) => `'${i}'`).join(', ')}. Received: interpolation=${interpolation}`,
      );
    }
    return { rank: 2, size: a.intTuple(args, 'size', 2), dataFormat: a.dataFormat(args), interpolation };
  },
  build(cfg, [input], { layerName }) {
    const inp = splitInput(input, cfg, layerName);
    const spatial = inp.spatial.map((d, i) => (d === null ? null : d * cfg.size[i]));
    const out = assemble(inp.batch, spatial, inp.channels, cfg.dataFormat);
    const n = elements(out);
    const taps = TAPS[cfg.interpolation] ?? 0;
    return {
      outputShape: out,
      params: { trainable: 0, nonTrainable: 0 },
      macs: taps === 0 ? 0 : n === null ? null : n * taps * taps,
      rf: {
        steps: cfg.size.map((factor) => ({
          op: 'resize' as const,
          factor,
          interpolation: cfg.interpolation === 'nearest' ? ('nearest' as const) : ('bilinear' as const),
        })),
      },
    };
  },
  lower(cfg, ctx) {
    const g = ctx.graph;
    const n = ctx.layerName;
    const scales = g.weight(`${n}/scales`, [4], Float32Array.from([1, 1, ...cfg.size]));
    let attrs: Record<string, string>;
    if (cfg.interpolation === 'nearest') {
      attrs = { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' };
    } else if (cfg.interpolation === 'bilinear') {
      // Keras (TF2 and Keras 3) resizes with half-pixel centres.
      attrs = { mode: 'linear', coordinate_transformation_mode: 'half_pixel' };
    } else {
      throw new LoweringError(`interpolation="${cfg.interpolation}" cannot be lowered yet (nearest and bilinear can)`);
    }
    const out = g.node('Resize', [toSpatial(ctx, ctx.inputs[0], cfg.dataFormat), '', scales], attrs, n);
    return fromSpatial(ctx, out, cfg.dataFormat);
  },
};
