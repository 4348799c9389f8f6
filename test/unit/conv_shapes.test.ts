/**
 * Conv layer shapes and argument errors against Keras 3's own parametrised test cases
 * (keras/src/layers/convolutional/*_test.py) and the Keras shape/params formulas.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { single } from '../support/analyze';

type Dims = (number | null)[];
const py = (v: unknown): string => (Array.isArray(v) ? `(${v.map(py).join(', ')}${v.length === 1 ? ',' : ''})` : v === null ? 'None' : typeof v === 'string' ? `"${v}"` : String(v));
const kw = (o: Record<string, unknown>) => Object.entries(o).map(([k, v]) => `${k}=${py(v)}`).join(', ');

describe('Conv1D / Conv2D: Keras parametrised shape cases', () => {
  const cases: [string, Record<string, unknown>, Dims, Dims][] = [
    ['Conv1D', { filters: 5, kernel_size: 2, strides: 1, padding: 'valid', dilation_rate: 1, groups: 1 }, [3, 5, 4], [3, 4, 5]],
    ['Conv1D', { filters: 6, kernel_size: 2, strides: 1, padding: 'same', dilation_rate: [2], groups: 2 }, [3, 4, 4], [3, 4, 6]],
    ['Conv1D', { filters: 6, kernel_size: 2, strides: 1, padding: 'causal', dilation_rate: [2], groups: 2 }, [3, 4, 4], [3, 4, 6]],
    ['Conv1D', { filters: 6, kernel_size: 2, strides: [2], padding: 'valid', dilation_rate: 1, groups: 2 }, [3, 5, 4], [3, 2, 6]],
    ['Conv2D', { filters: 5, kernel_size: 2, strides: 1, padding: 'valid', dilation_rate: 1, groups: 1 }, [3, 5, 5, 4], [3, 4, 4, 5]],
    ['Conv2D', { filters: 6, kernel_size: 2, strides: 1, padding: 'same', dilation_rate: [2, 2], groups: 2 }, [3, 4, 4, 4], [3, 4, 4, 6]],
    ['Conv2D', { filters: 6, kernel_size: [2, 2], strides: [2, 1], padding: 'valid', dilation_rate: [1, 1], groups: 2 }, [3, 5, 5, 4], [3, 2, 4, 6]],
    ['Conv2D', { filters: 6, kernel_size: 3, strides: 1, padding: 'valid' }, [null, 5, 5, 4], [null, 3, 3, 6]],
    ['Conv2D', { filters: 6, kernel_size: 2, strides: 2, padding: 'valid', groups: 2 }, [null, 5, 5, 4], [null, 2, 2, 6]],
  ];
  for (const [type, args, input, expected] of cases) {
    it(`${type}(${kw(args)}) on ${py(input)} -> ${py(expected)}`, () => {
      const r = single(`keras.layers.${type}(${kw(args)})`, input);
      assert.deepEqual(r.errors, []);
      assert.deepEqual(r.shape, expected);
      // Keras: kernel kh*kw*(Cin/groups)*F + F bias.
      const taps = [args.kernel_size].flat().length === 1 ? (args.kernel_size as number) ** (input.length - 2) : (args.kernel_size as number[]).reduce((a, b) => a * b, 1);
      const groups = (args.groups as number | undefined) ?? 1;
      const cin = input[input.length - 1] as number;
      assert.equal(r.params!.trainable, taps * (cin / groups) * (args.filters as number) + (args.filters as number));
    });
  }

  it('channels_first puts channels on axis 1', () => {
    const r = single('keras.layers.Conv2D(6, (4, 3), strides=(2, 1), data_format="channels_first", groups=2)', [2, 4, 8, 8]);
    assert.deepEqual(r.shape, [2, 6, 3, 6]);
    assert.equal(r.params!.trainable, 4 * 3 * 2 * 6 + 6);
  });
});

describe('Conv2DTranspose: Keras parametrised shape cases', () => {
  const cases: [Record<string, unknown>, Dims, Dims][] = [
    [{ filters: 5, kernel_size: 2, strides: 2, padding: 'valid', output_padding: null, dilation_rate: 1 }, [2, 8, 8, 4], [2, 16, 16, 5]],
    [{ filters: 6, kernel_size: 2, strides: 3, padding: 'same', output_padding: 2, dilation_rate: [1, 1] }, [2, 8, 8, 4], [2, 23, 23, 6]],
    [{ filters: 6, kernel_size: [2, 3], strides: [2, 1], padding: 'valid', output_padding: null, data_format: 'channels_first', dilation_rate: [1, 1] }, [2, 4, 8, 8], [2, 6, 16, 10]],
    [{ filters: 2, kernel_size: [7, 7], strides: [16, 16], padding: 'valid', output_padding: null, dilation_rate: [1, 1] }, [1, 14, 14, 2], [1, 224, 224, 2]],
    // Formula cases (Keras 3 compute_conv_transpose_output_shape): same -> in*s; with output_padding and odd kernel.
    [{ filters: 8, kernel_size: 3, strides: 2, padding: 'same' }, [null, 7, 7, 4], [null, 14, 14, 8]],
    [{ filters: 8, kernel_size: 3, strides: 2, padding: 'same', output_padding: 1 }, [null, 7, 7, 4], [null, 14, 14, 8]],
    [{ filters: 8, kernel_size: 3, strides: 2, padding: 'valid', output_padding: 1 }, [null, 7, 7, 4], [null, 16, 16, 8]],
    [{ filters: 8, kernel_size: 3, strides: 1, padding: 'valid', dilation_rate: 2 }, [null, 7, 7, 4], [null, 11, 11, 8]],
    [{ filters: 8, kernel_size: 4, strides: 2, padding: 'same' }, [null, null, 5, 4], [null, null, 10, 8]],
  ];
  for (const [args, input, expected] of cases) {
    it(`Conv2DTranspose(${kw(args)}) on ${py(input)} -> ${py(expected)}`, () => {
      const r = single(`keras.layers.Conv2DTranspose(${kw(args)})`, input);
      assert.deepEqual(r.errors, []);
      assert.deepEqual(r.shape, expected);
      const k = [args.kernel_size].flat() as number[];
      const taps = k.length === 1 ? k[0] * k[0] : k[0] * k[1];
      const cin = (args.data_format === 'channels_first' ? input[1] : input[input.length - 1]) as number;
      assert.equal(r.params!.trainable, taps * cin * (args.filters as number) + (args.filters as number));
    });
  }
});

describe('DepthwiseConv2D and SeparableConv2D', () => {
  const depthwise: [Record<string, unknown>, Dims, Dims][] = [
    [{ depth_multiplier: 5, kernel_size: 2, strides: 1, padding: 'valid', dilation_rate: 1 }, [3, 5, 5, 4], [3, 4, 4, 20]],
    [{ depth_multiplier: 6, kernel_size: 2, strides: 1, padding: 'same', dilation_rate: [2, 2] }, [3, 4, 4, 4], [3, 4, 4, 24]],
    [{ depth_multiplier: 6, kernel_size: [2, 2], strides: [2, 2], padding: 'valid', dilation_rate: [1, 1] }, [3, 5, 5, 4], [3, 2, 2, 24]],
  ];
  for (const [args, input, expected] of depthwise) {
    it(`DepthwiseConv2D(${kw(args)}) on ${py(input)} -> ${py(expected)}`, () => {
      const r = single(`keras.layers.DepthwiseConv2D(${kw(args)})`, input);
      assert.deepEqual(r.shape, expected);
      const m = args.depth_multiplier as number;
      assert.equal(r.params!.trainable, 2 * 2 * 4 * m + 4 * m);
    });
  }
  it('SeparableConv2D counts depthwise + pointwise + bias', () => {
    const r = single('keras.layers.SeparableConv2D(16, 3, depth_multiplier=2, padding="same")', [null, 10, 10, 8]);
    assert.deepEqual(r.shape, [null, 10, 10, 16]);
    assert.equal(r.params!.trainable, 3 * 3 * 8 * 2 + 8 * 2 * 16 + 16);
    assert.equal(r.report!.macs, 100 * (3 * 3 * 8 * 2 + 8 * 2 * 16));
  });
  it('SeparableConv2D with dilation keeps valid-size arithmetic', () => {
    const r = single('keras.layers.SeparableConv2D(4, 3, dilation_rate=2)', [null, 9, 9, 3]);
    assert.deepEqual(r.shape, [null, 5, 5, 4]);
  });
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
