/**
 * keras.models.clone_model on a Sequential, against real Keras 3.15 (test/goldens/clone_model/,
 * written by scripts/goldens/make_clone_model_golden.py): the clone is a second model with the same
 * name and the same layer names, shapes and params, and the names after it go on as in Keras.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';

const DIR = path.join(__dirname, '..', 'goldens', 'clone_model');
interface GoldenModel { variable: string; name: string; layers: { name: string; class_name: string; output_shape: (number | null)[]; params: number }[] }
const manifest = JSON.parse(readFileSync(path.join(DIR, 'manifest.json'), 'utf8')) as { source: string; models: GoldenModel[] };

describe('keras.models.clone_model', () => {
  it('a Sequential and its clone are two models, each listed as Keras lists it', () => {
    const analysis = analyze(readFileSync(path.join(DIR, manifest.source), 'utf8'), { limits: { maxMillis: 1e9 } });
    assert.deepEqual(analysis.diagnostics.filter((d) => d.severity === 'error'), []);
    for (const golden of manifest.models) {
      const report = analysis.models.find((m) => m.graph.variable === golden.variable);
      assert.ok(report, golden.variable);
      assert.equal(report.graph.name, golden.name);
      const ours = report.entries.filter((e) => !e.layer?.layer.isOperation).map((e) => ({
        name: e.name, class_name: e.type, output_shape: e.outputShape, params: e.params ? e.params.trainable + e.params.nonTrainable : null,
      }));
      assert.deepEqual(ours, golden.layers, golden.variable);
    }
  });
});
