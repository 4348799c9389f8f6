/**
 * Rebuilds a traced ModelGraph with tfjs-layers (an independent implementation of the Keras
 * layers) and gives it the same weights, so whole-model outputs can be compared with ORT.
 * Only kinds where tfjs is faithful are mapped (not bilinear upsampling, dilated depthwise).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ModelGraph, SymTensor } from '../../extension/engine/graph';

type Cfg = Record<string, any>;

function layerFor(type: string, c: Cfg, name: string): tfl.layers.Layer {
  const L = tfl.layers;
  const act = (a: string | null) => (a ?? 'linear') as any;
  const win = { kernelSize: c.kernelSize, strides: c.strides, padding: c.padding, dataFormat: c.dataFormat === 'channels_first' ? 'channelsFirst' : 'channelsLast', dilationRate: c.dilation, useBias: c.useBias, activation: act(c.activation), name } as any;
  switch (type) {
    case 'Conv2D': return L.conv2d({ ...win, filters: c.filters });
    case 'DepthwiseConv2D': return L.depthwiseConv2d({ ...win, depthMultiplier: c.depthMultiplier });
    case 'SeparableConv2D': return L.separableConv2d({ ...win, filters: c.filters, depthMultiplier: c.depthMultiplier });
    case 'Conv2DTranspose': return L.conv2dTranspose({ ...win, filters: c.filters });
    case 'MaxPooling2D': return L.maxPooling2d({ poolSize: c.kernelSize, strides: c.strides, padding: c.padding, name });
    case 'AveragePooling2D': return L.averagePooling2d({ poolSize: c.kernelSize, strides: c.strides, padding: c.padding, name });
    case 'GlobalAveragePooling2D': return c.keepdims ? L.layerNormalization({ name }) : L.globalAveragePooling2d({ name });
    case 'GlobalMaxPooling2D': return L.globalMaxPooling2d({ name });
    case 'BatchNormalization': return L.batchNormalization({ axis: c.axes[0], epsilon: c.epsilon, center: c.center, scale: c.scale, name });
    case 'Dense': return L.dense({ units: c.units, useBias: c.useBias, activation: act(c.activation), name });
    case 'Activation': return L.activation({ activation: act(c.activation), name });
    case 'ReLU': return L.reLU({ maxValue: c.maxValue ?? undefined, name });
    case 'Dropout': return L.dropout({ rate: c.rate, name });
    case 'Flatten': return L.flatten({ name });
    case 'Reshape': return L.reshape({ targetShape: c.target, name });
    case 'ZeroPadding2D': return L.zeroPadding2d({ padding: c.amounts, name });
    case 'UpSampling2D':
      if (c.interpolation !== 'nearest') throw new Error('tfjs bilinear upsampling differs from Keras');
      return L.upSampling2d({ size: c.size, name });
    case 'Add': return L.add({ name });
    case 'Concatenate': return L.concatenate({ axis: c.axis, name });
    default: throw new Error(`no tfjs mapping for ${type}`);
  }
}

/** Keras' GlobalAveragePooling2D(keepdims=True) has no tfjs counterpart: pool, then reshape. */
function applyLayer(type: string, c: Cfg, name: string, inputs: tfl.SymbolicTensor[]): { layer: tfl.layers.Layer; out: tfl.SymbolicTensor } {
  if (type === 'GlobalAveragePooling2D' && c.keepdims) {
    const pool = tfl.layers.globalAveragePooling2d({ name });
    const pooled = pool.apply(inputs[0]) as tfl.SymbolicTensor;
    const out = tfl.layers.reshape({ targetShape: [1, 1, pooled.shape[1] as number] }).apply(pooled) as tfl.SymbolicTensor;
    return { layer: pool, out };
  }
  const layer = layerFor(type, c, name);
  return { layer, out: layer.apply(inputs.length === 1 ? inputs[0] : inputs) as tfl.SymbolicTensor };
}

export function toTfjs(graph: ModelGraph, weights: Map<string, Float32Array[]>, outputs: SymTensor[] = graph.outputs): tfl.LayersModel {
  const tensors = new Map<SymTensor, tfl.SymbolicTensor>();
  const built = new Map<string, tfl.layers.Layer>();
  const inputs: tfl.SymbolicTensor[] = [];
  for (const call of graph.calls) {
    const { layer } = call;
    if (layer.kernel?.family === 'input') {
      const t = tfl.input({ shape: call.output.shape!.slice(1) as number[] });
      inputs.push(t);
      tensors.set(call.output, t);
      continue;
    }
    const ins = call.inputs.map((t) => tensors.get(t)!);
    const { layer: tl, out } = applyLayer(layer.type, layer.config as Cfg, layer.name, ins);
    built.set(layer.name, tl);
    tensors.set(call.output, out);
  }
  const model = tfl.model({ inputs, outputs: outputs.map((t) => tensors.get(t)!) });
  for (const [name, tl] of built) {
    const w = weights.get(name);
    if (!w || w.length === 0) continue;
    tl.setWeights(w.map((data, i) => tf.tensor(data, tl.getWeights()[i].shape)));
  }
  return model;
}
