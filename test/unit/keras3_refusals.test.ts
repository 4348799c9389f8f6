/**
 * Keras 2 code that Keras 3 refuses, against real Keras 3.15 (test/goldens/keras3_refusals/, written
 * by scripts/goldens/make_keras3_refusal_goldens.py): ConvLens reports Keras' (or Python's) error on
 * Keras' line, and nothing on the Keras 3 code of the same kinds.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';
import { LineIndex } from '../../extension/engine/source';

interface Case { name: string; source: string; error: { type: string; message: string; line: number } | null }
const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', 'goldens', 'keras3_refusals', 'manifest.json'), 'utf8')) as { cases: Case[] };

/** Python's own errors carry their type; Keras' errors are their message. The KerasTensor reprs of Model's are left out. */
function expectedText(e: NonNullable<Case['error']>): string {
  const message = e.message.replace(/: \{'input': <KerasTensor.*$/s, ': ');
  return ['ModuleNotFoundError', 'ImportError', 'AttributeError'].includes(e.type) ? `${e.type}: ${message}` : message;
}

describe('Keras 2 code Keras 3 refuses', () => {
  for (const c of manifest.cases) {
    it(c.error ? `${c.name}: ${c.error.type} on line ${c.error.line}` : `${c.name}: no error`, () => {
      const errors = analyze(c.source, { limits: { maxMillis: 1e9 } }).diagnostics.filter((d) => d.severity === 'error');
      if (!c.error) {
        assert.deepEqual(errors.map((d) => d.message), []);
        return;
      }
      const lines = new LineIndex(c.source);
      assert.equal(errors.length, 1, errors.map((d) => d.message).join('\n'));
      assert.equal(lines.position(errors[0].from).line, c.error.line);
      assert.ok(errors[0].message.startsWith(expectedText(c.error)), `${errors[0].message}\ndoes not start with\n${expectedText(c.error)}`);
    });
  }
});

describe('tf_keras is Keras 2', () => {
  // tf_keras (Keras 2.x, for TensorFlow 2.16+ with TF_USE_LEGACY_KERAS=1) takes the deprecated `lr=`
  // with a warning (its optimizers' _process_kwargs) and any ModelCheckpoint path: nothing to refuse.
  it('leaves lr= and Keras 2 checkpoint paths of tf_keras alone', () => {
    const source = "import tf_keras\nopt = tf_keras.optimizers.Adam(lr=0.001)\ncb = tf_keras.callbacks.ModelCheckpoint('/tmp/checkpoint', save_weights_only=True)\n";
    const errors = analyze(source, { limits: { maxMillis: 1e9 } }).diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(errors.map((d) => d.message), []);
  });
});
