/**
 * The per-kind hooks other code asks instead of reading a kind's config: the activation at a
 * layer's output (what a run report needs to know a softmax head), the sliding window, atrous
 * sampling, and the checkerboard-free kernel of transposed convs (Odena et al. 2016).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { single } from '../support/analyze';

function ask<T>(ctor: string, input: (number | null)[], hook: (kernel: any, config: unknown) => T): T {
  const { layer } = single(ctor, input).report!;
  assert.ok(layer.kernel && layer.config !== null, ctor);
  return hook(layer.kernel, layer.config);
}

describe('activation: the function applied at the layer output', () => {
  const cases: [string, (number | null)[], string | null][] = [
    ['layers.Dense(10, activation="softmax")', [null, 4], 'softmax'],
    ['layers.Dense(10)', [null, 4], null],
    ['layers.Activation("softmax")', [null, 4], 'softmax'],
    ['layers.Softmax()', [null, 4], 'softmax'],
    ['layers.ReLU(max_value=6)', [null, 4], 'relu6'],
    ['layers.Conv2D(4, 3, activation="relu")', [null, 8, 8, 3], 'relu'],
    ['layers.SeparableConv2D(4, 3)', [null, 8, 8, 3], null],
  ];
  for (const [ctor, input, expected] of cases) {
    it(`${ctor} -> ${expected}`, () => assert.equal(ask(ctor, input, (k, c) => k.activation(c)), expected));
  }
  it('kinds without an activation have no hook', () => {
    assert.equal(ask('layers.MaxPooling2D()', [null, 8, 8, 3], (k) => k.activation), undefined);
  });
});

describe('window and atrous', () => {
  it('a dilated Conv2D samples atrously; pooling slides its pool_size with stride pool_size', () => {
    assert.deepEqual(ask('layers.Conv2D(4, 3, dilation_rate=2)', [null, 16, 16, 3], (k, c) => [k.window(c), k.atrous]), [{ kernelSize: [3, 3], strides: [1, 1], dilation: [2, 2], dataFormat: 'channels_last' }, true]);
    assert.deepEqual(ask('layers.MaxPooling2D(3)', [null, 16, 16, 3], (k, c) => [k.window(c), k.atrous]), [{ kernelSize: [3, 3], strides: [3, 3], dilation: [1, 1], dataFormat: 'channels_last' }, undefined]);
  });
  it('the window says where its input keeps the channels (which axes are spatial)', () => {
    assert.equal(ask('layers.Conv2D(4, 3, data_format="channels_first")', [null, 3, 16, 16], (k, c) => k.window(c).dataFormat), 'channels_first');
    assert.equal(ask('layers.AveragePooling2D(2, data_format="channels_first")', [null, 3, 16, 16], (k, c) => k.window(c).dataFormat), 'channels_first');
  });
});

describe('evenOverlapKernel: a transposed conv kernel the stride divides', () => {
  const cases: [string, number[] | null][] = [
    ['layers.Conv2DTranspose(4, 3, strides=2)', [4, 4]],
    ['layers.Conv2DTranspose(4, 4, strides=2)', null],
    ['layers.Conv2DTranspose(4, (5, 2), strides=(2, 2))', [6, 2]],
    ['layers.Conv2DTranspose(4, 3)', null],
  ];
  for (const [ctor, expected] of cases) {
    it(`${ctor} -> ${JSON.stringify(expected)}`, () => assert.deepEqual(ask(ctor, [null, 8, 8, 3], (k, c) => k.evenOverlapKernel(c)), expected));
  }
});
