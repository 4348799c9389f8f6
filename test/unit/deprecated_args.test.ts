/**
 * Keyword arguments Keras 3.15 still accepts though its signatures do not list them (deprecated
 * Keras 2 spellings it pops from **kwargs, base-layer keywords): accepted, with Keras' warning as
 * info at most. Expected values from Keras 3.15.1.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';
import { model, paramsOf, single } from '../support/analyze';

function deprecations(analysis: ReturnType<typeof analyze>): string[] {
  return analysis.diagnostics.filter((d) => d.code === 'keras-deprecated').map((d) => `${d.severity}: ${d.message}`);
}

describe('LeakyReLU(alpha=...)', () => {
  it('is accepted, with the deprecation as info', () => {
    const r = single('layers.LeakyReLU(alpha=0.2)', [null, 4]);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.shape, [null, 4]);
    assert.equal((r.report!.layer.config as { slope: number }).slope, 0.2);
    assert.deepEqual(deprecations(r.analysis), ['info: Argument `alpha` is deprecated. Use `negative_slope` instead.']);
  });

  it('wins over negative_slope, as in Keras (negative_slope=0.2)', () => {
    const r = single('layers.LeakyReLU(0.1, alpha=0.2)', [null, 4]);
    assert.equal((r.report!.layer.config as { slope: number }).slope, 0.2);
  });

  it('negative or None is still the Keras ValueError', () => {
    for (const [ctor, shown] of [['layers.LeakyReLU(alpha=-1)', '-1'], ['layers.LeakyReLU(alpha=None)', 'None'], ['layers.LeakyReLU(negative_slope=-0.5)', '-0.5']]) {
      const r = single(ctor, [null, 4]);
      assert.deepEqual(r.errors.map((e) => e.message), [`The negative_slope value of a Leaky ReLU layer cannot be None or negative value. Expected a float. Received: negative_slope=${shown}`], ctor);
    }
  });
});

describe('LayerNormalization(rms_scaling=...)', () => {
  const cases: [string, number][] = [
    ['layers.LayerNormalization(rms_scaling=True)', 6],
    ['layers.LayerNormalization(rms_scaling=False)', 12],
    ['layers.LayerNormalization(rms_scaling=True, scale=False, center=True)', 6],
    // Keyword-only in Keras: the fifth positional argument is beta_initializer.
    ['layers.LayerNormalization(-1, 1e-3, True, True, "zeros")', 12],
  ];
  for (const [ctor, params] of cases) {
    it(`${ctor}: ${params} params (gamma only with rms_scaling)`, () => {
      const r = single(ctor, [null, 4, 6]);
      assert.deepEqual(r.errors, []);
      assert.deepEqual(r.shape, [null, 4, 6]);
      assert.equal(paramsOf(r.report!), params);
    });
  }

  it('rms_scaling=True gives Keras deprecation warning as info', () => {
    const r = single('layers.LayerNormalization(rms_scaling=True)', [null, 4, 6]);
    assert.equal(deprecations(r.analysis).length, 1);
    assert.match(deprecations(r.analysis)[0], /^info: You passed `rms_scaling=True`, which is deprecated\./);
    assert.deepEqual(deprecations(single('layers.LayerNormalization(rms_scaling=False)', [null, 4, 6]).analysis), []);
  });
});

describe('InputLayer with Keras 2 arguments', () => {
  const sequential = (inputLayer: string) => `import keras\nfrom keras import layers\nm = keras.Sequential([layers.InputLayer(${inputLayer}), layers.Conv2D(4, 3)])\n`;
  const cases: [string, (number | null)[]][] = [
    ['input_shape=(28, 28, 1)', [null, 26, 26, 4]],
    ['batch_input_shape=(None, 28, 28, 1)', [null, 26, 26, 4]],
    // input_shape replaces shape.
    ['shape=(5, 5, 1), input_shape=(28, 28, 1)', [null, 26, 26, 4]],
  ];
  for (const [args, out] of cases) {
    it(`InputLayer(${args})`, () => {
      const a = analyze(sequential(args));
      assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), []);
      assert.deepEqual(model(a).graph.outputs[0].shape, out);
    });
  }

  it('input_shape gives the deprecation as info; with batch_input_shape too it is the Keras error', () => {
    assert.deepEqual(deprecations(analyze(sequential('input_shape=(28, 28, 1)'))), ['info: Argument `input_shape` is deprecated. Use `shape` instead.']);
    const errors = analyze(sequential('input_shape=(28, 28, 1), batch_input_shape=(None, 3)')).diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(errors.map((e) => e.message), ['You cannot pass both `shape` and `batch_shape` at the same time.']);
  });

  it('keras.Input(tensor=...) and InputLayer(input_tensor=...) take the shape from the tensor: no error', () => {
    const text = 'import keras\nfrom keras import layers\ni = keras.Input((6, 6, 2))\nj = keras.Input(tensor=i)\nk = layers.InputLayer(input_tensor=i)\n';
    assert.deepEqual(analyze(text).diagnostics.filter((d) => d.severity === 'error'), []);
  });
});

describe('base-layer keywords', () => {
  it('activity_regularizer is accepted by every layer', () => {
    assert.deepEqual(single('layers.Flatten(activity_regularizer="l2")', [null, 3, 3]).shape, [null, 9]);
    assert.deepEqual(single('layers.MaxPooling2D(activity_regularizer="l2")', [null, 4, 4, 3]).shape, [null, 2, 2, 3]);
    assert.deepEqual(single('layers.MaxPooling2D(activity_regularizer="l2")', [null, 4, 4, 3]).errors, []);
  });
});
