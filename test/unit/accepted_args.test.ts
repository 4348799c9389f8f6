/** Arguments Keras 3.15 accepts that ConvLens once called unrecognized: LoRA, batch renormalization. Values from Keras 3.15.1. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { single } from '../support/analyze';

type Dims = (number | null)[];

describe('LoRA and batch renormalization', () => {
  // ctor, input, output, trainable, non-trainable, weight names (Keras order)
  const cases: [string, Dims, Dims, number, number, string[]][] = [
    ['layers.Dense(4, lora_rank=2)', [null, 3], [null, 4], 18, 12, ['kernel', 'bias', 'lora_kernel_a', 'lora_kernel_b']],
    ['layers.Dense(4, lora_rank=2, lora_alpha=4.)', [null, 3], [null, 4], 18, 12, ['kernel', 'bias', 'lora_kernel_a', 'lora_kernel_b']],
    ['layers.Dense(4, use_bias=False, lora_rank=3)', [null, 5, 3], [null, 5, 4], 21, 12, ['kernel', 'lora_kernel_a', 'lora_kernel_b']],
    ['layers.Dense(4, lora_rank=0)', [null, 3], [null, 4], 16, 0, ['kernel', 'bias']],
    ['layers.Dense(4, quantization_config=None)', [null, 3], [null, 4], 16, 0, ['kernel', 'bias']],
    ['layers.Conv2D(4, 3, lora_rank=2)', [null, 5, 5, 3], [null, 3, 3, 4], 66, 108, ['kernel', 'bias', 'lora_kernel_a', 'lora_kernel_b']],
    ['layers.Conv2D(8, 3, groups=2, lora_rank=2, padding="same")', [null, 5, 5, 4], [null, 5, 5, 8], 60, 144, ['kernel', 'bias', 'lora_kernel_a', 'lora_kernel_b']],
    ['layers.Conv1D(4, 3, lora_rank=2, lora_alpha=2)', [null, 5, 3], [null, 3, 4], 30, 36, ['kernel', 'bias', 'lora_kernel_a', 'lora_kernel_b']],
    ['layers.BatchNormalization(renorm=True)', [null, 4, 4, 3], [null, 4, 4, 3], 6, 15, ['gamma', 'beta', 'moving_mean', 'moving_variance', 'moving_stddev', 'renorm_mean', 'renorm_stddev']],
    ['layers.BatchNormalization(renorm=True, renorm_clipping={"rmax": 3}, renorm_momentum=0.9, center=False)', [null, 4, 4, 3], [null, 4, 4, 3], 3, 15, ['gamma', 'moving_mean', 'moving_variance', 'moving_stddev', 'renorm_mean', 'renorm_stddev']],
    // renorm is the 14th positional argument, before synchronized.
    ['layers.BatchNormalization(-1, 0.99, 0.001, True, True, "zeros", "ones", "zeros", "ones", None, None, None, None, True)', [null, 4, 4, 3], [null, 4, 4, 3], 6, 15, ['gamma', 'beta', 'moving_mean', 'moving_variance', 'moving_stddev', 'renorm_mean', 'renorm_stddev']],
    ['layers.BatchNormalization(synchronized=False)', [null, 4, 4, 3], [null, 4, 4, 3], 6, 6, ['gamma', 'beta', 'moving_mean', 'moving_variance']],
  ];
  for (const [ctor, input, output, trainable, nonTrainable, weights] of cases) {
    it(ctor, () => {
      const r = single(ctor, input);
      assert.deepEqual(r.errors, []);
      assert.deepEqual(r.shape, output);
      assert.deepEqual(r.params, { trainable, nonTrainable });
      const l = r.report!.layer;
      const specs = l.kernel!.weights!(l.config, [input]);
      assert.deepEqual(specs.map((s) => s.name), weights);
      assert.equal(specs.filter((s) => !s.trainable).reduce((n, s) => n + s.shape.reduce((p, d) => p * d, 1), 0), nonTrainable);
    });
  }

  const errors: [string, Dims, string][] = [
    ['layers.Dense(4, lora_rank=-1)', [null, 3], "Cannot convert '(3, -1)' to a shape. Negative dimensions are not allowed."],
    ['layers.Conv2D(4, 3, lora_rank=-2)', [null, 5, 5, 3], "Cannot convert '(3, 3, 3, -2)' to a shape. Negative dimensions are not allowed."],
    ['layers.Dense(4, kernel_constraint="non_neg", lora_rank=2)', [null, 3], 'Lora is incompatible with kernel constraints. In order to enable lora on this layer, remove the `kernel_constraint` argument.'],
    ['layers.Conv2D(4, 3, kernel_constraint="non_neg", lora_rank=1)', [null, 5, 5, 3], 'Lora is incompatible with kernel constraints. In order to enable lora on this layer, remove the `kernel_constraint` argument.'],
  ];
  for (const [ctor, input, message] of errors) {
    it(`${ctor}: the Keras ValueError`, () => assert.deepEqual(single(ctor, input).errors.map((e) => e.message), [message]));
  }
});
