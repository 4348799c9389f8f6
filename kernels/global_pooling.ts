/** GlobalAveragePooling2D / GlobalMaxPooling2D: one value per channel over all positions. */
import * as a from './args';
import { splitInput } from './conv_common';
import { assemble, elements } from './shape';
import { fromSpatial, toSpatial } from './onnx/layout';
import { LayerKernel, LoweringError } from './types';

interface GlobalPoolConfig {
  rank: number;
  dataFormat: a.DataFormat;
  keepdims: boolean;
}

function makeGlobalPooling(kind: 'Average' | 'Max', rank: 1 | 2): LayerKernel<GlobalPoolConfig> {
  return {
    type: `Global${kind}Pooling${rank}D`,
    aliases: [`Global${kind === 'Max' ? 'Max' : 'Avg'}Pool${rank}D`],
    family: 'pooling',
    description: `Global ${kind === 'Max' ? 'max' : 'average'} pooling: reduces every spatial position of each channel to one value; each output sees the whole input.`,
    docUrl: `https://keras.io/api/layers/pooling_layers/global_${kind.toLowerCase()}_pooling${rank}d/`,
    params: [
      { name: 'data_format', default: null },
      { name: 'keepdims', default: false },
    ],
    configure(args) {
      return { rank, dataFormat: a.dataFormat(args), keepdims: a.bool(args, 'keepdims') };
    },
    build(cfg, [input], { layerName }) {
      const inp = splitInput(input, cfg, layerName);
      const out = cfg.keepdims ? assemble(inp.batch, inp.spatial.map(() => 1), inp.channels, cfg.dataFormat) : [inp.batch, inp.channels];
      const n = elements(input);
      return {
        outputShape: out,
        params: { trainable: 0, nonTrainable: 0 },
        macs: kind === 'Max' ? 0 : n,
        rf: 'global',
      };
    },
    lower(cfg, ctx) {
      // Keras averages over the unmasked steps only (Embedding mask_zero=True upstream).
      if (kind === 'Average' && rank === 1 && ctx.inputs[0].masked) throw new LoweringError('its input carries a Keras mask (mask_zero=True upstream), which excludes steps from the average; ConvLens does not run masks yet');
      const g = ctx.graph;
      const pooled = g.node(kind === 'Max' ? 'GlobalMaxPool' : 'GlobalAveragePool', [toSpatial(ctx, ctx.inputs[0], cfg.dataFormat)], {}, ctx.layerName);
      if (cfg.keepdims) return fromSpatial(ctx, pooled, cfg.dataFormat);
      const flat = g.node('Flatten', [pooled], { axis: 1 }, `${ctx.layerName}/squeeze`);
      return { name: flat, shape: ctx.outputShape, channelsFirst: false };
    },
  };
}

export const GlobalAveragePooling2D = makeGlobalPooling('Average', 2);
export const GlobalMaxPooling2D = makeGlobalPooling('Max', 2);
export const GlobalAveragePooling1D = makeGlobalPooling('Average', 1);
export const GlobalMaxPooling1D = makeGlobalPooling('Max', 1);
