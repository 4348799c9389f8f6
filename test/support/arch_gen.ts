/**
 * Random CNN architectures rendered twice: as Keras Python source (for ConvLens) and as the
 * same model built with tfjs-layers (the oracle). tfjs decides every shape while generating,
 * so the generator holds no shape logic of its own.
 */
import type * as tfl from '@tensorflow/tfjs-layers';

export interface GeneratedLayer {
  name: string;
  python: string;
  /** Builds the tfjs layer and applies it to the given tensors. */
  apply: (lib: typeof tfl, inputs: tfl.SymbolicTensor[]) => tfl.SymbolicTensor;
  /** Indices into the generated tensor list (0 is the input). */
  inputs: number[];
}

export interface GeneratedModel {
  inputShape: number[];
  layers: GeneratedLayer[];
}

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const py = (v: unknown): string => (Array.isArray(v) ? `(${v.join(', ')})` : typeof v === 'string' ? `"${v}"` : typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v));
const kwargs = (o: Record<string, unknown>) => Object.entries(o).map(([k, v]) => `${k}=${py(v)}`).join(', ');

/** One candidate layer of a random kind, drawn within what both Keras and tfjs support. */
function candidate(r: () => number, name: string, input: number): GeneratedLayer {
  const kind = pick(r, ['conv', 'conv', 'separable', 'depthwise', 'transpose', 'pool', 'upsample', 'bn', 'pad', 'crop', 'act'] as const);
  const k = pick(r, [1, 2, 3, 5]);
  const kernel: [number, number] = r() < 0.2 ? [k, pick(r, [1, 3])] : [k, k];
  const strides = pick(r, [1, 1, 2]);
  const dilation = strides === 1 && r() < 0.3 ? pick(r, [2, 3]) : 1;
  const padding = pick(r, ['valid', 'same'] as const);
  const filters = pick(r, [4, 8, 12]);
  const useBias = r() < 0.8;
  switch (kind) {
    case 'conv': {
      const args = { filters, kernel_size: kernel, strides, padding, dilation_rate: dilation, use_bias: useBias, name };
      return { name, inputs: [input], python: `layers.Conv2D(${kwargs(args)})`, apply: (l, [x]) => l.layers.conv2d({ filters, kernelSize: kernel, strides, padding, dilationRate: dilation, useBias, name }).apply(x) as tfl.SymbolicTensor };
    }
    case 'separable': {
      const m = pick(r, [1, 2]);
      const args = { filters, kernel_size: kernel, strides, padding, dilation_rate: dilation, depth_multiplier: m, use_bias: useBias, name };
      return { name, inputs: [input], python: `layers.SeparableConv2D(${kwargs(args)})`, apply: (l, [x]) => l.layers.separableConv2d({ filters, kernelSize: kernel, strides, padding, dilationRate: dilation, depthMultiplier: m, useBias, name }).apply(x) as tfl.SymbolicTensor };
    }
    case 'depthwise': {
      // tfjs-layers' DepthwiseConv2D ignores dilation_rate: not generated.
      const m = pick(r, [1, 2]);
      const args = { kernel_size: kernel, strides, padding, depth_multiplier: m, use_bias: useBias, name };
      return { name, inputs: [input], python: `layers.DepthwiseConv2D(${kwargs(args)})`, apply: (l, [x]) => l.layers.depthwiseConv2d({ kernelSize: kernel, strides, padding, depthMultiplier: m, useBias, name }).apply(x) as tfl.SymbolicTensor };
    }
    case 'transpose': {
      // tfjs-layers' Conv2DTranspose has no dilation or output_padding: not generated.
      const s = pick(r, [1, 2, 3]);
      const args = { filters, kernel_size: kernel, strides: s, padding, use_bias: useBias, name };
      return { name, inputs: [input], python: `layers.Conv2DTranspose(${kwargs(args)})`, apply: (l, [x]) => l.layers.conv2dTranspose({ filters, kernelSize: kernel, strides: s, padding, useBias, name }).apply(x) as tfl.SymbolicTensor };
    }
    case 'pool': {
      const max = r() < 0.5;
      const pool = pick(r, [2, 3]);
      const ps = pick(r, [1, 2, pool]);
      const args = { pool_size: pool, strides: ps, padding, name };
      return { name, inputs: [input], python: `layers.${max ? 'MaxPooling2D' : 'AveragePooling2D'}(${kwargs(args)})`, apply: (l, [x]) => (max ? l.layers.maxPooling2d : l.layers.averagePooling2d)({ poolSize: pool, strides: ps, padding, name }).apply(x) as tfl.SymbolicTensor };
    }
    case 'upsample': {
      const size: [number, number] = [pick(r, [1, 2, 3]), pick(r, [1, 2])];
      const interpolation = pick(r, ['nearest', 'bilinear'] as const);
      return { name, inputs: [input], python: `layers.UpSampling2D(${kwargs({ size, interpolation, name })})`, apply: (l, [x]) => l.layers.upSampling2d({ size, interpolation, name }).apply(x) as tfl.SymbolicTensor };
    }
    case 'bn': {
      const center = r() < 0.7;
      const scale = r() < 0.7;
      return { name, inputs: [input], python: `layers.BatchNormalization(${kwargs({ center, scale, name })})`, apply: (l, [x]) => l.layers.batchNormalization({ center, scale, name }).apply(x) as tfl.SymbolicTensor };
    }
    case 'pad': {
      const p: [[number, number], [number, number]] = [[pick(r, [0, 1, 2]), pick(r, [0, 1])], [pick(r, [0, 1]), pick(r, [0, 2])]];
      return { name, inputs: [input], python: `layers.ZeroPadding2D(padding=((${p[0].join(', ')}), (${p[1].join(', ')})), name="${name}")`, apply: (l, [x]) => l.layers.zeroPadding2d({ padding: p, name }).apply(x) as tfl.SymbolicTensor };
    }
    case 'crop': {
      const c: [[number, number], [number, number]] = [[pick(r, [0, 1]), pick(r, [0, 1])], [pick(r, [0, 1]), pick(r, [0, 1])]];
      return { name, inputs: [input], python: `layers.Cropping2D(cropping=((${c[0].join(', ')}), (${c[1].join(', ')})), name="${name}")`, apply: (l, [x]) => l.layers.cropping2D({ cropping: c, name }).apply(x) as tfl.SymbolicTensor };
    }
    case 'act': {
      const a = pick(r, ['relu', 'sigmoid', 'tanh', 'elu', 'softmax'] as const);
      return { name, inputs: [input], python: `layers.Activation("${a}", name="${name}")`, apply: (l, [x]) => l.layers.activation({ activation: a, name }).apply(x) as tfl.SymbolicTensor };
    }
  }
}

/**
 * A chain of `depth` layers with occasional parallel 1x1 branches merged by add or concatenate,
 * ending in global pooling (or Flatten) and Dense. Candidates tfjs gives a non-positive size are
 * returned separately: Keras rejects those, and so must ConvLens.
 */
export function generate(lib: typeof tfl, seed: number, depth: number): { model: GeneratedModel; rejected: { python: string; inputShape: (number | null)[] }[] } {
  const r = rng(seed);
  const inputShape = [pick(r, [16, 24, 31, 32]), pick(r, [16, 20, 32]), pick(r, [1, 3, 4])];
  const tensors: tfl.SymbolicTensor[] = [lib.input({ shape: inputShape })];
  const layers: GeneratedLayer[] = [];
  const rejected: { python: string; inputShape: (number | null)[] }[] = [];
  let current = 0;
  for (let i = 0; layers.length < depth && i < depth * 10; i++) {
    const name = `l${layers.length}`;
    const last = tensors[current];
    if (r() < 0.15 && last.shape.length === 4) {
      // A parallel 1x1 branch and a merge, in both libraries.
      const channels = last.shape[3] as number;
      const branch: GeneratedLayer = { name, inputs: [current], python: `layers.Conv2D(${channels}, 1, name="${name}")`, apply: (l, [x]) => l.layers.conv2d({ filters: channels, kernelSize: 1, name }).apply(x) as tfl.SymbolicTensor };
      tensors.push(branch.apply(lib, [last]));
      layers.push(branch);
      const concat = r() < 0.5;
      const mname = `l${layers.length}`;
      const merge: GeneratedLayer = {
        name: mname,
        inputs: [current, tensors.length - 1],
        python: concat ? `layers.Concatenate(name="${mname}")` : `layers.Add(name="${mname}")`,
        apply: (l, xs) => (concat ? l.layers.concatenate({ name: mname }) : l.layers.add({ name: mname })).apply(xs) as tfl.SymbolicTensor,
      };
      tensors.push(merge.apply(lib, [last, tensors[tensors.length - 1]]));
      layers.push(merge);
      current = tensors.length - 1;
      continue;
    }
    const layer = candidate(r, name, current);
    let out: tfl.SymbolicTensor;
    try {
      out = layer.apply(lib, [last]);
    } catch {
      continue;
    }
    if (out.shape.slice(1).some((d) => d !== null && d <= 0)) {
      rejected.push({ python: layer.python, inputShape: last.shape });
      continue;
    }
    tensors.push(out);
    layers.push(layer);
    current = tensors.length - 1;
  }
  const headName = `l${layers.length}`;
  const flatten = r() < 0.3;
  const head: GeneratedLayer = flatten
    ? { name: headName, inputs: [current], python: `layers.Flatten(name="${headName}")`, apply: (l, [x]) => l.layers.flatten({ name: headName }).apply(x) as tfl.SymbolicTensor }
    : { name: headName, inputs: [current], python: `layers.GlobalAveragePooling2D(name="${headName}")`, apply: (l, [x]) => l.layers.globalAveragePooling2d({ name: headName }).apply(x) as tfl.SymbolicTensor };
  tensors.push(head.apply(lib, [tensors[current]]));
  layers.push(head);
  const denseName = `l${layers.length}`;
  const dense: GeneratedLayer = { name: denseName, inputs: [tensors.length - 1], python: `layers.Dense(10, name="${denseName}")`, apply: (l, [x]) => l.layers.dense({ units: 10, name: denseName }).apply(x) as tfl.SymbolicTensor };
  tensors.push(dense.apply(lib, [tensors[tensors.length - 1]]));
  layers.push(dense);
  return { model: { inputShape, layers }, rejected };
}

/** The Keras source of a generated model: t0 is the input, t<i> the output of layer i-1. */
export function toPython(m: GeneratedModel): string {
  const lines = ['import keras', 'from keras import layers', '', `t0 = keras.Input(shape=(${m.inputShape.join(', ')}))`];
  m.layers.forEach((l, i) => {
    const args = l.inputs.length === 1 ? `t${l.inputs[0]}` : `[${l.inputs.map((j) => `t${j}`).join(', ')}]`;
    lines.push(`t${i + 1} = ${l.python}(${args})`);
  });
  lines.push(`model = keras.Model(t0, t${m.layers.length})`, '');
  return lines.join('\n');
}
