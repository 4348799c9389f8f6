/**
 * Weight files written by real Keras 3.15.1 (test/goldens/weights, made by
 * scripts/goldens/make_weight_goldens.sh): each of the four layouts must reproduce Keras' own
 * predict() on the same input, through `run` and through `export --weights` + ONNX Runtime.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { analyze } from '../../extension/engine/analysis/analyze';
import { chooseModel } from '../../extension/engine/analysis/model_choice';
import { runModel } from '../../extension/runtime/run_model';
import { keras3Layout } from '../../extension/engine/weights/keras_layout';
import { TrainedWeights } from '../../extension/engine/weights/trained_weights';
import { runCli } from '../../extension/cli/main';
import { readNpy } from '../../extension/runtime/inputs/npy';
import { OrtRunner } from '../../extension/runtime/ort/runner';

const GOLDENS = path.join(__dirname, '..', 'goldens', 'weights');
interface GoldenCase {
  source: string;
  input: string;
  output: string;
  model_name: string;
  files: Record<'weights_h5' | 'keras' | 'legacy_h5' | 'legacy_weights_h5', string | null>;
  h5_vars: { path: string; shape: number[]; layer_name: string }[];
}
const manifest = JSON.parse(readFileSync(path.join(GOLDENS, 'manifest.json'), 'utf8')) as { keras_version: string; cases: Record<string, GoldenCase> };
const runner = new OrtRunner();
after(() => runner.dispose());
const tmp = mkdtempSync(path.join(tmpdir(), 'convlens-goldens-'));

/** Cases ConvLens cannot run (none today: the custom layer's `x * self.scale` runs too). */
const NOT_RUNNABLE = new Set<string>();

function modelOf(name: string) {
  const golden = manifest.cases[name];
  const analysis = analyze(readFileSync(path.join(GOLDENS, golden.source), 'utf8'));
  const report = chooseModel(analysis);
  assert.ok(report, `${name}: a model`);
  assert.equal(report.graph.name, golden.model_name, `${name}: the model Keras saved is the one chosen`);
  return report;
}

const npy = (file: string) => readNpy(readFileSync(path.join(GOLDENS, file)));

/** max |a - b| / max |b|: relative to the output's range. */
function relativeError(got: Float32Array, want: Float32Array): number {
  assert.equal(got.length, want.length);
  let diff = 0;
  let scale = 1e-12;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return diff / scale;
}

describe(`Keras ${manifest.keras_version} weight files reproduce Keras' predict`, () => {
  assert.ok(Object.keys(manifest.cases).length >= 9, 'the goldens cover the cases issue 8 lists');
  for (const [name, golden] of Object.entries(manifest.cases)) {
    for (const [layout, file] of Object.entries(golden.files)) {
      if (!file || NOT_RUNNABLE.has(name)) continue;
      it(`${name} from ${file} (run)`, async () => {
        const report = modelOf(name);
        const weights = await TrainedWeights.load(path.join(GOLDENS, file), report.graph);
        assert.equal(weights.format, layout.startsWith('legacy') ? 'legacy' : 'keras3');
        const input = npy(golden.input);
        const run = await runModel(report, runner, { input: { kind: 'array', data: input.data, shape: input.shape }, weights, seed: 0 });
        const err = relativeError(run.output, npy(golden.output).data);
        assert.ok(err <= 1e-5, `relative error ${err}`);
      });
    }
    if (NOT_RUNNABLE.has(name)) continue;
    for (const file of Object.values(golden.files)) {
      if (!file) continue;
      it(`${name}: export --weights ${file}, then ONNX Runtime`, async () => {
        const onnx = path.join(tmp, `${file}.onnx`);
        const log: string[] = [];
        const code = await runCli(['export', path.join(GOLDENS, golden.source), '--weights', path.join(GOLDENS, file), '-o', onnx], { out: (s) => log.push(s), err: (s) => log.push(s) });
        assert.equal(code, 0, log.join('\n'));
        const session = await ort.InferenceSession.create(onnx);
        const input = npy(golden.input);
        const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input.data, input.shape) });
        const got = out[session.outputNames[0]].data as Float32Array;
        const err = relativeError(got, npy(golden.output).data);
        assert.ok(err <= 1e-5, `relative error ${err}`);
      });
    }
  }
});

describe('Keras 3 tracking paths equal the ones Keras wrote', () => {
  for (const [name, golden] of Object.entries(manifest.cases)) {
    it(name, () => {
      const report = modelOf(name);
      const layout = keras3Layout(report.graph.tracking!);
      const byName = new Map([...layout.layerPaths].map(([layer, p]) => [layer.name, p]));
      let checked = 0;
      for (const v of golden.h5_vars) {
        const group = v.path.split('/').slice(0, -2).join('/');
        if (layout.opaquePaths.includes(group)) continue; // a custom layer's own add_weight variable
        assert.equal(byName.get(v.layer_name), group, `${v.layer_name} is stored at /${v.path}`);
        checked++;
      }
      assert.ok(checked > 0);
    });
  }
});
