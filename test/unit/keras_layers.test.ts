/**
 * `model.layers` as real Keras 3.15.1 lists them (test/goldens/weights/manifest.json): names,
 * classes, output shapes and params, in Keras' order; nested models and custom layers are one
 * entry each, their params summed (sublayers and add_weight variables).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';
import { chooseModel } from '../../extension/engine/analysis/model_choice';

const GOLDENS = path.join(__dirname, '..', 'goldens', 'weights');
interface KerasLayer { name: string; class_name: string; output_shape: (number | null)[]; trainable_params: number; non_trainable_params: number }
const manifest = JSON.parse(readFileSync(path.join(GOLDENS, 'manifest.json'), 'utf8')) as {
  cases: Record<string, { source: string; model_name: string; layers: KerasLayer[]; total_params: number; trainable_params: number; non_trainable_params: number }>;
};

describe('model.layers as Keras lists them', () => {
  for (const [name, golden] of Object.entries(manifest.cases)) {
    it(name, () => {
      const report = chooseModel(analyze(readFileSync(path.join(GOLDENS, golden.source), 'utf8')));
      assert.ok(report);
      const ours = report.entries.filter((e) => !e.layer?.layer.isOperation).map((e) => ({
        name: e.name, class_name: e.type, output_shape: e.outputShape, trainable_params: e.params?.trainable, non_trainable_params: e.params?.nonTrainable,
      }));
      const keras = golden.layers.map(({ name, class_name, output_shape, trainable_params, non_trainable_params }) => ({ name, class_name, output_shape, trainable_params, non_trainable_params }));
      assert.deepEqual(ours, keras);
      assert.deepEqual(
        { total: report.totals.params, trainable: report.totals.trainableParams, nonTrainable: report.totals.nonTrainableParams },
        { total: golden.total_params, trainable: golden.trainable_params, nonTrainable: golden.non_trainable_params },
      );
    });
  }
});
