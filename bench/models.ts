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

/**
 * The same chain as `chainPython`, built the way people write it: `blocks` calls of a
 * conv-bn-relu helper (automatic layer names). Its tfjs-layers peer is `chainTfjs`.
 */
export function helperChainPython(blocks: number): string {
  const lines = ['import keras', 'from keras import layers', '', '', 'def conv_bn_relu(x, filters, kernel_size=3):', '    x = layers.Conv2D(filters, kernel_size, padding="same")(x)', '    x = layers.BatchNormalization()(x)', '    return layers.ReLU()(x)', '', '', 'x = inputs = keras.Input(shape=(32, 32, 16))'];
  for (let i = 0; i < blocks; i++) lines.push('x = conv_bn_relu(x, 16)');
  lines.push('model = keras.Model(inputs, x, name="helper_chain")', '');
  return lines.join('\n');
}

/**
 * The same chain as `chainPython`, built in a function as most models are (`model = build()`):
 * a keystroke in it is a keystroke in the body of the function the module calls.
 */
export function builderChainPython(blocks: number): string {
  const lines = ['import keras', 'from keras import layers', '', '', 'def build():', '    x = inputs = keras.Input(shape=(32, 32, 16))'];
  for (let i = 0; i < blocks; i++) {
    lines.push(`    x = layers.Conv2D(16, 3, padding="same", name="conv_${i}")(x)`);
    lines.push(`    x = layers.BatchNormalization(name="bn_${i}")(x)`);
    lines.push(`    x = layers.ReLU(name="relu_${i}")(x)`);
  }
  lines.push('    return keras.Model(inputs, x, name="built_chain")', '', '', 'model = build()', '');
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

/**
 * keras.applications.ResNet152(include_top=False, input_shape=(224, 224, 3)) plus a small head
 * (GlobalAveragePooling2D, Dense(256, relu), Dense(10, softmax)), layer for layer in tfjs-layers,
 * which has no keras.applications.
 */
export function resnet152HeadTfjs(lib: typeof tfl): tfl.LayersModel {
  const L = lib.layers;
  const apply = (layer: tfl.layers.Layer, x: tfl.SymbolicTensor | tfl.SymbolicTensor[]) => layer.apply(x) as tfl.SymbolicTensor;
  const bn = (x: tfl.SymbolicTensor) => apply(L.batchNormalization({ axis: 3, epsilon: 1.001e-5 }), x);
  const relu = (x: tfl.SymbolicTensor) => apply(L.activation({ activation: 'relu' }), x);
  const conv = (x: tfl.SymbolicTensor, filters: number, kernelSize: number, strides = 1, padding: 'same' | 'valid' = 'valid') =>
    apply(L.conv2d({ filters, kernelSize, strides, padding }), x);
  const block = (x: tfl.SymbolicTensor, filters: number, strides: number, projection: boolean) => {
    const shortcut = projection ? bn(conv(x, 4 * filters, 1, strides)) : x;
    let y = relu(bn(conv(x, filters, 1, strides)));
    y = relu(bn(conv(y, filters, 3, 1, 'same')));
    y = bn(conv(y, 4 * filters, 1));
    return relu(apply(L.add(), [shortcut, y]));
  };
  const input = lib.input({ shape: [224, 224, 3] });
  let x = apply(L.zeroPadding2d({ padding: 3 }), input);
  x = relu(bn(conv(x, 64, 7, 2)));
  x = apply(L.zeroPadding2d({ padding: 1 }), x);
  x = apply(L.maxPooling2d({ poolSize: 3, strides: 2 }), x);
  for (const [i, [filters, blocks]] of ([[64, 3], [128, 8], [256, 36], [512, 3]] as const).entries()) {
    x = block(x, filters, i === 0 ? 1 : 2, true);
    for (let b = 1; b < blocks; b++) x = block(x, filters, 1, false);
  }
  x = apply(L.globalAveragePooling2d({}), x);
  x = apply(L.dense({ units: 256, activation: 'relu' }), x);
  return lib.model({ inputs: input, outputs: apply(L.dense({ units: 10, activation: 'softmax' }), x) });
}

/** The same model as Python, for ConvLens. */
export const RESNET152_HEAD_PYTHON = `import keras
from keras import layers

base = keras.applications.ResNet152(include_top=False, weights="imagenet", input_shape=(224, 224, 3))
base.trainable = False
x = layers.GlobalAveragePooling2D()(base.output)
x = layers.Dense(256, activation="relu")(x)
out = layers.Dense(10, activation="softmax")(x)
model = keras.Model(base.input, out)
`;
