/** Bench inputs: the same architectures as Python source (for ConvLens) and as tfjs-layers builders. */
import type * as tfl from '@tensorflow/tfjs-layers';

/** A plain chain of `blocks` x (Conv2D 3x3, BatchNormalization, ReLU): 3 * blocks layers. */
export function chainPython(blocks: number): string {
  const lines = ['import keras', 'from keras import layers', '', 'x = inputs = keras.Input(shape=(32, 32, 16))'];
  for (let i = 0; i < blocks; i++) {
    lines.push(`x = layers.Conv2D(16, 3, padding="same", name="conv_${i}")(x)`);
    lines.push(`x = layers.BatchNormalization(name="bn_${i}")(x)`);
    lines.push(`x = layers.ReLU(name="relu_${i}")(x)`);
  }
  lines.push('model = keras.Model(inputs, x, name="chain")', '');
  return lines.join('\n');
}

export function chainTfjs(lib: typeof tfl, blocks: number): tfl.LayersModel {
  const inputs = lib.input({ shape: [32, 32, 16] });
  let x = inputs;
  for (let i = 0; i < blocks; i++) {
    x = lib.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', name: `conv_${i}` }).apply(x) as tfl.SymbolicTensor;
    x = lib.layers.batchNormalization({ name: `bn_${i}` }).apply(x) as tfl.SymbolicTensor;
    x = lib.layers.reLU({ name: `relu_${i}` }).apply(x) as tfl.SymbolicTensor;
  }
  return lib.model({ inputs, outputs: x });
}

/** Xception as examples/xception.py writes it, in tfjs-layers. */
export function xceptionTfjs(lib: typeof tfl): tfl.LayersModel {
  const L = lib.layers;
  const apply = (layer: tfl.layers.Layer, x: tfl.SymbolicTensor | tfl.SymbolicTensor[]) => layer.apply(x) as tfl.SymbolicTensor;
  const sepBn = (x: tfl.SymbolicTensor, filters: number, reluFirst = true) => {
    if (reluFirst) x = apply(L.activation({ activation: 'relu' }), x);
    x = apply(L.separableConv2d({ filters, kernelSize: 3, padding: 'same', useBias: false }), x);
    return apply(L.batchNormalization(), x);
  };
  const shortcut = (x: tfl.SymbolicTensor, filters: number) =>
    apply(L.batchNormalization(), apply(L.conv2d({ filters, kernelSize: 1, strides: 2, padding: 'same', useBias: false }), x));
  const input = lib.input({ shape: [299, 299, 3] });
  let x = apply(L.conv2d({ filters: 32, kernelSize: 3, strides: 2, useBias: false }), input);
  x = apply(L.activation({ activation: 'relu' }), apply(L.batchNormalization(), x));
  x = apply(L.conv2d({ filters: 64, kernelSize: 3, useBias: false }), x);
  x = apply(L.activation({ activation: 'relu' }), apply(L.batchNormalization(), x));
  for (const [block, filters] of [[2, 128], [3, 256], [4, 728]]) {
    const residual = shortcut(x, filters);
    x = sepBn(x, filters, block !== 2);
    if (block === 2) x = sepBn(apply(L.activation({ activation: 'relu' }), x), filters, false);
    else x = sepBn(x, filters);
    x = apply(L.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }), x);
    x = apply(L.add(), [x, residual]);
  }
  for (let i = 0; i < 8; i++) {
    const residual = x;
    for (let j = 0; j < 3; j++) x = sepBn(x, 728);
    x = apply(L.add(), [x, residual]);
  }
  const residual = shortcut(x, 1024);
  x = sepBn(sepBn(x, 728), 1024);
  x = apply(L.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }), x);
  x = apply(L.add(), [x, residual]);
  x = apply(L.activation({ activation: 'relu' }), sepBn(x, 1536, false));
  x = apply(L.activation({ activation: 'relu' }), sepBn(x, 2048, false));
  x = apply(L.globalAveragePooling2d({}), x);
  return lib.model({ inputs: input, outputs: apply(L.dense({ units: 1000, activation: 'softmax' }), x) });
}
