/**
 * Conv layer shapes, params and argument errors against real Keras 3: Keras' own parametrised
 * test cases (keras/src/layers/convolutional/*_test.py) and more, as goldens Keras wrote.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, single } from '../support/analyze';

type Dims = (number | null)[];
const py = (v: unknown): string => (Array.isArray(v) ? `(${v.map(py).join(', ')}${v.length === 1 ? ',' : ''})` : v === null ? 'None' : typeof v === 'string' ? `"${v}"` : String(v));

/** Written by real Keras (scripts/goldens/make_conv_goldens.py): output shape and trainable params per constructor. */
interface ConvGolden {
  cases: { ctor: string; input: Dims; output: Dims; params: number }[];
  savings: { ctor: string; input: Dims; output: Dims; params: number; separable: number; depthwisePointwise: number }[];
}
const golden: ConvGolden = JSON.parse(readFileSync(path.join(ROOT, 'test/goldens/conv_layers.json'), 'utf8'));

describe('conv layers: output shapes and params as real Keras builds them (parametrised cases of its own tests and more)', () => {
  for (const c of golden.cases) {
    it(`${c.ctor.replace('keras.layers.', '')} on ${py(c.input)} -> ${py(c.output)}, ${c.params} params`, () => {
      const r = single(c.ctor, c.input);
      assert.deepEqual(r.errors, []);
      assert.deepEqual(r.shape, c.output);
      assert.equal(r.params!.trainable, c.params);
    });
  }

  it('SeparableConv2D MACs: every output position times the weights it applies (depthwise taps, then pointwise)', () => {
    // 10x10 outputs ("same"); per position 3*3 taps on each of 8*2 depthwise channels, then 16 filters over 16 channels.
    const r = single('keras.layers.SeparableConv2D(16, 3, depth_multiplier=2, padding="same")', [null, 10, 10, 8]);
    assert.equal(r.report!.macs, 10 * 10 * (3 * 3 * 16 + 16 * 16));
  });
});

describe('cheaper alternatives of a Conv2D: params as Keras counts SeparableConv2D and DepthwiseConv2D + 1x1 Conv2D', () => {
  for (const c of golden.savings) {
    it(`${c.ctor.replace('keras.layers.', '')} on ${py(c.input)}`, () => {
      const r = single(c.ctor, c.input);
      assert.deepEqual(r.shape, c.output);
      const s = r.report!.savings!;
      assert.equal(s.params, c.params);
      assert.deepEqual(s.alternatives.map((alt) => [alt.kind, alt.params]), [['SeparableConv2D', c.separable], ['DepthwiseConv2D+Conv2D', c.depthwisePointwise]]);
      // Both stacks apply the same weights per output position, so they cost the same MACs.
      assert.equal(s.alternatives[0].macs, s.alternatives[1].macs);
    });
  }
});

describe('Conv argument errors: Keras messages', () => {
  const cases: [string, Dims, RegExp][] = [
    ['keras.layers.Conv1D(filters=0, kernel_size=1)', [null, 5, 3], /^Invalid value for argument `filters`\. Expected a strictly positive value\. Received filters=0\.$/],
    ['keras.layers.Conv2D(filters=2, kernel_size=(1, 0))', [null, 5, 5, 3], /^The `kernel_size` argument must be a tuple of 2 integers\. Received kernel_size=\(1, 0\), including values \{0\} that do not satisfy `value > 0`$/],
    ['keras.layers.Conv2D(filters=2, kernel_size=(2, 2), strides=(1, 0))', [null, 5, 5, 3], /^The `strides` argument must be a tuple of 2 integers\. Received strides=\(1, 0\), including values \{0\} that do not satisfy `value > 0`$/],
    ['keras.layers.Conv2D(filters=2, kernel_size=(2, 2), strides=2, dilation_rate=(2, 1))', [null, 5, 5, 3], /^`strides > 1` not supported in conjunction with `dilation_rate > 1`\. Received: strides=\(2, 2\) and dilation_rate=\(2, 1\)$/],
    ['keras.layers.Conv2D(filters=5, kernel_size=(2, 2), groups=0)', [null, 5, 5, 3], /^The number of groups must be a positive integer\. Received: groups=0\.$/],
    ['keras.layers.Conv2D(filters=5, kernel_size=(2, 2), groups=2)', [null, 5, 5, 4], /^The number of filters must be evenly divisible by the number of groups\. Received: groups=2, filters=5\.$/],
    ['keras.layers.Conv2D(filters=4, kernel_size=3, groups=4)', [null, 5, 5, 6], /^The number of input channels must be evenly divisible by the number of groups\. Received groups=4, but the input has 6 channels/],
    ['keras.layers.Conv2D(8, 3, padding="full")', [null, 5, 5, 3], /^The `padding` argument must be a list\/tuple or one of \{'valid', 'same'\}\. Received: full$/],
    ['keras.layers.Conv2D(8, 7)', [null, 5, 5, 3], /^Computed output size would be zero or negative\. Received `inputs shape=\(None, 5, 5, 3\)`, `kernel shape=\(7, 7, 3, 8\)`/],
    ['keras.layers.Conv2D(8, 3)', [null, 10, 3], /^Input 0 of layer "conv2d" is incompatible with the layer: expected ndim=4, found ndim=3/],
    ['keras.layers.DepthwiseConv2D(3, depth_multiplier=0)', [null, 5, 5, 3], /^Invalid value for argument `depth_multiplier`\. Expected a strictly positive value\. Received depth_multiplier=0\.$/],
    ['keras.layers.Conv2DTranspose(4, 3, strides=2, output_padding=2)', [null, 5, 5, 3], /^`output_padding` must be < `strides`\. output_padding=\(2, 2\), strides=\(2, 2\)$/],
    ['keras.layers.Conv2DTranspose(4, 3, strides=2, dilation_rate=2)', [null, 5, 5, 3], /^`strides > 1` not supported in conjunction with `dilation_rate > 1`/],
    ['keras.layers.Conv2D(8, 3, foo=1)', [null, 5, 5, 3], /^Unrecognized keyword arguments passed to Conv2D: \{'foo': 1\}$/],
    ['keras.layers.Conv2D(8)', [null, 5, 5, 3], /^Conv2D\.__init__\(\) missing 1 required positional argument: 'kernel_size'$/],
    ['keras.layers.Conv2D(8, 3, activation="relux")', [null, 5, 5, 3], /^Could not interpret activation function identifier: relux$/],
  ];
  for (const [ctor, input, message] of cases) {
    it(ctor, () => {
      const r = single(ctor, input);
      assert.equal(r.errors.length, 1, JSON.stringify(r.analysis.diagnostics));
      assert.match(r.errors[0].message, message);
      assert.equal(r.shape, null, 'a layer Keras rejects has no output shape');
    });
  }
});
