/**
 * ONNX lowering, numerically: ONNX Runtime's output for each lowered layer kind and argument
 * variant equals a plain-loop reference computed from the definitions with the same weights.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { OrtRunner } from '../../extension/runtime/ort/runner';
import * as ref from '../support/reference';
import { oneLayer, runSource } from '../support/run_model';

const runner = new OrtRunner();
after(() => runner.dispose());
const TOL = 1e-4;

function close(actual: ref.Tensor, expected: ref.Tensor, what: string) {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  const diff = ref.maxAbsDiff(actual.data, expected.data);
  assert.ok(diff < TOL, `${what}: max abs diff ${diff}`);
}

describe('Conv2D', () => {
  const cases: [string, number[], ref.ConvOpts][] = [
    ['layers.Conv2D(5, 3, padding="same")', [7, 7, 3], { strides: [1, 1], dilation: [1, 1], padding: 'same' }],
    ['layers.Conv2D(4, 3, strides=2, padding="same")', [8, 8, 3], { strides: [2, 2], dilation: [1, 1], padding: 'same' }],
    ['layers.Conv2D(4, 3, strides=2, padding="same")', [7, 9, 2], { strides: [2, 2], dilation: [1, 1], padding: 'same' }],
    ['layers.Conv2D(4, (2, 4), strides=(2, 3), padding="same")', [9, 10, 2], { strides: [2, 3], dilation: [1, 1], padding: 'same' }],
    ['layers.Conv2D(4, 3, strides=2)', [9, 8, 3], { strides: [2, 2], dilation: [1, 1], padding: 'valid' }],
    ['layers.Conv2D(3, 3, dilation_rate=2, padding="same")', [9, 9, 2], { strides: [1, 1], dilation: [2, 2], padding: 'same' }],
    ['layers.Conv2D(3, 3, dilation_rate=(2, 3))', [11, 12, 2], { strides: [1, 1], dilation: [2, 3], padding: 'valid' }],
    ['layers.Conv2D(6, 3, groups=2, padding="same", use_bias=False)', [6, 6, 4], { strides: [1, 1], dilation: [1, 1], padding: 'same', groups: 2 }],
  ];
  for (const [ctor, shape, opts] of cases) {
    it(`${ctor} on ${JSON.stringify(shape)}`, async () => {
      const r = await runSource(runner, oneLayer(ctor, shape), [2, ...shape]);
      const [kernel, bias] = r.weights.get('conv2d')!;
      const f = Number(/Conv2D\((\d+)/.exec(ctor)![1]);
      const groups = opts.groups ?? 1;
      const k = ctor.includes('(2, 4)') ? [2, 4] : [3, 3];
      const expected = ref.conv2d(r.input, { data: kernel, shape: [...k, shape[2] / groups, f] }, ctor.includes('use_bias=False') ? null : bias, opts);
      close(r.output, expected, ctor);
    });
  }

  it('channels_first', async () => {
    const r = await runSource(runner, oneLayer('layers.Conv2D(4, 3, strides=2, padding="same", data_format="channels_first")', [3, 7, 8]), [1, 3, 7, 8]);
    const [kernel, bias] = r.weights.get('conv2d')!;
    const expected = ref.conv2d(ref.toNhwc(r.input), { data: kernel, shape: [3, 3, 3, 4] }, bias, { strides: [2, 2], dilation: [1, 1], padding: 'same' });
    close(ref.toNhwc(r.output), expected, 'channels_first');
  });
});

describe('DepthwiseConv2D (dilation checked against the loop reference: tfjs ignores it)', () => {
  const cases: [string, number[], ref.ConvOpts, number][] = [
    ['layers.DepthwiseConv2D(3, padding="same")', [7, 7, 3], { strides: [1, 1], dilation: [1, 1], padding: 'same' }, 1],
    ['layers.DepthwiseConv2D(3, strides=2, depth_multiplier=2, padding="same")', [8, 7, 3], { strides: [2, 2], dilation: [1, 1], padding: 'same' }, 2],
    ['layers.DepthwiseConv2D(3, dilation_rate=2, depth_multiplier=3)', [9, 9, 2], { strides: [1, 1], dilation: [2, 2], padding: 'valid' }, 3],
  ];
  for (const [ctor, shape, opts, m] of cases) {
    it(ctor, async () => {
      const r = await runSource(runner, oneLayer(ctor, shape), [2, ...shape]);
      const [kernel, bias] = r.weights.get('depthwise_conv2d')!;
      close(r.output, ref.depthwise2d(r.input, { data: kernel, shape: [3, 3, shape[2], m] }, bias, opts), ctor);
    });
  }
});

describe('SeparableConv2D', () => {
  it('depthwise (strides, padding) then pointwise with bias', async () => {
    const ctor = 'layers.SeparableConv2D(5, 3, strides=2, depth_multiplier=2, padding="same")';
    const r = await runSource(runner, oneLayer(ctor, [9, 8, 3]), [1, 9, 8, 3]);
    const [dw, pw, bias] = r.weights.get('separable_conv2d')!;
    const mid = ref.depthwise2d(r.input, { data: dw, shape: [3, 3, 3, 2] }, null, { strides: [2, 2], dilation: [1, 1], padding: 'same' });
    const expected = ref.conv2d(mid, { data: pw, shape: [1, 1, 6, 5] }, bias, { strides: [1, 1], dilation: [1, 1], padding: 'valid' });
    close(r.output, expected, ctor);
  });
});

describe('Conv2DTranspose (output_padding and dilation against the adjoint definition)', () => {
  const cases: [string, number[], ref.ConvOpts, number, number][] = [
    ['layers.Conv2DTranspose(4, 3, strides=2, padding="same")', [4, 5, 3], { strides: [2, 2], dilation: [1, 1], padding: 'same' }, 3, 4],
    ['layers.Conv2DTranspose(4, 3, strides=2)', [4, 5, 3], { strides: [2, 2], dilation: [1, 1], padding: 'valid' }, 3, 4],
    ['layers.Conv2DTranspose(4, 2, strides=3)', [4, 4, 2], { strides: [3, 3], dilation: [1, 1], padding: 'valid' }, 2, 4],
    ['layers.Conv2DTranspose(4, 4, strides=2, padding="same")', [5, 5, 2], { strides: [2, 2], dilation: [1, 1], padding: 'same' }, 4, 4],
    ['layers.Conv2DTranspose(3, 2, strides=3, padding="same", output_padding=2)', [4, 4, 2], { strides: [3, 3], dilation: [1, 1], padding: 'same' }, 2, 3],
    ['layers.Conv2DTranspose(3, 3, strides=2, padding="same", output_padding=0)', [4, 4, 2], { strides: [2, 2], dilation: [1, 1], padding: 'same' }, 3, 3],
    ['layers.Conv2DTranspose(3, 3, strides=2, output_padding=1)', [4, 4, 2], { strides: [2, 2], dilation: [1, 1], padding: 'valid' }, 3, 3],
    ['layers.Conv2DTranspose(3, 3, dilation_rate=2, padding="same")', [5, 5, 2], { strides: [1, 1], dilation: [2, 2], padding: 'same' }, 3, 3],
    ['layers.Conv2DTranspose(3, 3, dilation_rate=2)', [5, 5, 2], { strides: [1, 1], dilation: [2, 2], padding: 'valid' }, 3, 3],
  ];
  for (const [ctor, shape, opts, k, f] of cases) {
    it(ctor, async () => {
      const r = await runSource(runner, oneLayer(ctor, shape), [2, ...shape]);
      const [kernel, bias] = r.weights.get('conv2d_transpose')!;
      const outSize = r.output.shape.slice(1, 3) as [number, number];
      close(r.output, ref.convTranspose2d(r.input, { data: kernel, shape: [k, k, f, shape[2]] }, bias, opts, outSize), ctor);
    });
  }
});

describe('pooling', () => {
  const cases: [string, number[], 'max' | 'avg', [number, number], [number, number], 'same' | 'valid'][] = [
    ['layers.MaxPooling2D()', [7, 8, 3], 'max', [2, 2], [2, 2], 'valid'],
    ['layers.MaxPooling2D(3, strides=2, padding="same")', [7, 8, 3], 'max', [3, 3], [2, 2], 'same'],
    ['layers.AveragePooling2D(3, strides=2, padding="same")', [7, 8, 3], 'avg', [3, 3], [2, 2], 'same'],
    ['layers.AveragePooling2D((2, 3), strides=1)', [5, 6, 2], 'avg', [2, 3], [1, 1], 'valid'],
  ];
  for (const [ctor, shape, kind, pool, strides, padding] of cases) {
    it(ctor, async () => {
      const r = await runSource(runner, oneLayer(ctor, shape), [2, ...shape]);
      close(r.output, ref.pool2d(r.input, kind, pool, strides, padding), ctor);
    });
  }
});

describe('UpSampling2D (bilinear against half-pixel loops: tfjs uses another convention)', () => {
  const cases: [string, [number, number], 'nearest' | 'bilinear'][] = [
    ['layers.UpSampling2D()', [2, 2], 'nearest'],
    ['layers.UpSampling2D(size=(3, 2))', [3, 2], 'nearest'],
    ['layers.UpSampling2D(interpolation="bilinear")', [2, 2], 'bilinear'],
    ['layers.UpSampling2D(size=(3, 4), interpolation="bilinear")', [3, 4], 'bilinear'],
  ];
  for (const [ctor, size, interpolation] of cases) {
    it(ctor, async () => {
      const r = await runSource(runner, oneLayer(ctor, [4, 5, 2]), [1, 4, 5, 2]);
      close(r.output, ref.upsample2d(r.input, size, interpolation), ctor);
    });
  }
});

describe('channels_first variants', () => {
  const cf = (ctor: string) => ctor.replace(/\)$/, `${ctor.endsWith('()') ? '' : ', '}data_format="channels_first")`);
  it('AveragePooling2D and MaxPooling2D', async () => {
    for (const [ctor, kind] of [['layers.AveragePooling2D(3, strides=2, padding="same")', 'avg'], ['layers.MaxPooling2D(2)', 'max']] as const) {
      const r = await runSource(runner, oneLayer(cf(ctor), [3, 7, 8]), [2, 3, 7, 8]);
      const expected = kind === 'avg' ? ref.pool2d(ref.toNhwc(r.input), 'avg', [3, 3], [2, 2], 'same') : ref.pool2d(ref.toNhwc(r.input), 'max', [2, 2], [2, 2], 'valid');
      close(ref.toNhwc(r.output), expected, ctor);
    }
  });
  it('UpSampling2D bilinear', async () => {
    const r = await runSource(runner, oneLayer(cf('layers.UpSampling2D(size=(2, 3), interpolation="bilinear")'), [2, 4, 5]), [1, 2, 4, 5]);
    close(ref.toNhwc(r.output), ref.upsample2d(ref.toNhwc(r.input), [2, 3], 'bilinear'), 'upsampling');
  });
  it('DepthwiseConv2D with a depth multiplier', async () => {
    const r = await runSource(runner, oneLayer(cf('layers.DepthwiseConv2D(3, strides=2, depth_multiplier=2, padding="same")'), [3, 8, 7]), [1, 3, 8, 7]);
    const [kernel, bias] = r.weights.get('depthwise_conv2d')!;
    close(ref.toNhwc(r.output), ref.depthwise2d(ref.toNhwc(r.input), { data: kernel, shape: [3, 3, 3, 2] }, bias, { strides: [2, 2], dilation: [1, 1], padding: 'same' }), 'depthwise');
  });
  it('Conv2DTranspose', async () => {
    const r = await runSource(runner, oneLayer(cf('layers.Conv2DTranspose(4, 3, strides=2, padding="same")'), [3, 4, 5]), [1, 3, 4, 5]);
    const [kernel, bias] = r.weights.get('conv2d_transpose')!;
    const out = ref.toNhwc(r.output);
    close(out, ref.convTranspose2d(ref.toNhwc(r.input), { data: kernel, shape: [3, 3, 4, 3] }, bias, { strides: [2, 2], dilation: [1, 1], padding: 'same' }, out.shape.slice(1, 3) as [number, number]), 'transpose');
  });
  it('BatchNormalization on axis 1 and Flatten (moves channels last first)', async () => {
    const src = 'import keras\nfrom keras import layers\nx = keras.Input((3, 2, 2))\ny = layers.BatchNormalization(axis=1, beta_initializer="random_normal")(x)\ny = layers.Flatten(data_format="channels_first")(y)\nm = keras.Model(x, y)\n';
    const r = await runSource(runner, src, [1, 3, 2, 2]);
    const [gamma, beta, mean, variance] = r.weights.get('batch_normalization')!;
    const nhwc = ref.toNhwc(r.input);
    const expected = Float32Array.from(nhwc.data, (v, i) => ((v - mean[i % 3]) / Math.sqrt(variance[i % 3] + 1e-3)) * gamma[i % 3] + beta[i % 3]);
    close(r.output, { data: expected, shape: [1, 12] }, 'bn + flatten');
  });
});

describe('Rescaling with per-channel lists (EfficientNet with ImageNet preprocessing)', () => {
  const scale = [0.5, -2, 0.25];
  const offset = [1, 0, -3];
  /** x * scale[c] + offset[c] over the last axis of an NHWC tensor: numpy's broadcast, written as a loop. */
  function perChannel(x: ref.Tensor): ref.Tensor {
    const c = x.shape[x.shape.length - 1];
    return { shape: x.shape, data: x.data.map((v, i) => v * scale[i % c] + offset[i % c]) };
  }
  it('on the input (held in the Keras layout)', async () => {
    const r = await runSource(runner, oneLayer(`layers.Rescaling(${JSON.stringify(scale)}, offset=${JSON.stringify(offset)})`, [4, 5, 3]), [2, 4, 5, 3]);
    close(r.output, perChannel(r.input), 'Rescaling per channel');
  });
  it('after a conv (its output held channels-first in ONNX)', async () => {
    const source = ['import keras', 'from keras import layers', 'inputs = keras.Input(shape=(6, 6, 2))', 'y = layers.Conv2D(3, 3, padding="same")(inputs)', `outputs = layers.Rescaling(${JSON.stringify(scale)}, offset=${JSON.stringify(offset)})(y)`, 'model = keras.Model(inputs, outputs)'].join('\n');
    const r = await runSource(runner, source, [1, 6, 6, 2]);
    const [kernel, bias] = r.weights.get('conv2d')!;
    const conv = ref.conv2d(r.input, { data: kernel, shape: [3, 3, 2, 3] }, bias, { strides: [1, 1], dilation: [1, 1], padding: 'same' });
    close(r.output, perChannel(conv), 'conv then Rescaling per channel');
  });
});
