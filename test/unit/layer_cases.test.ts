/**
 * SimpleRNN, LSTM, GRU, Embedding and Resizing against real Keras 3.15 (test/goldens/layer_cases/,
 * written by scripts/goldens/make_layer_case_goldens.py): output shape and params, or Keras' error.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';
import { chooseModel } from '../../extension/engine/analysis/model_choice';

interface Case { input_shape: (number | null)[]; expression: string; name?: string; output_shape?: (number | null)[]; params?: number; error?: { type: string; message: string } }
const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', 'goldens', 'layer_cases', 'manifest.json'), 'utf8')) as { cases: Case[] };

const py = (d: number | null) => (d === null ? 'None' : String(d));

describe('layers as Keras builds them', () => {
  for (const c of manifest.cases) {
    it(`${c.expression} on (None, ${c.input_shape.map(py).join(', ')})${c.error ? ': error' : ''}`, () => {
      const text = `import keras\nx = keras.Input(shape=(${c.input_shape.map(py).join(', ')},))\ny = ${c.expression}(x)\nm = keras.Model(x, y)\n`;
      const analysis = analyze(text, { limits: { maxMillis: 1e9 } });
      const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
      if (c.error) {
        assert.deepEqual(errors.map((d) => d.message), [c.error.message]);
        return;
      }
      assert.deepEqual(errors, []);
      const entry = chooseModel(analysis)!.entries.find((e) => e.name === c.name)!;
      assert.deepEqual(entry.outputShape, c.output_shape);
      assert.equal(entry.params!.trainable + entry.params!.nonTrainable, c.params);
    });
  }
});
