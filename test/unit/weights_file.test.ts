/**
 * Trained weights: Keras 3 `.weights.h5`, `.keras` archives and legacy Keras 2 `.h5` files, written
 * here with h5wasm in the layouts Keras writes, load and reproduce the expected outputs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { zipSync } from 'fflate';
import { analyze } from '../../extension/core/analysis/analyze';
import { LoweringFailure } from '../../extension/core/onnx/lower_model';
import { runModel } from '../../extension/core/run/run_model';
import { readWeightFile } from '../../extension/core/weights/h5_reader';
import { TrainedWeights } from '../../extension/core/weights/trained_weights';
import { runCli } from '../../extension/cli/main';
import { OrtRunner } from '../../kernels/runtime/runner';
import { RecordingWeights } from '../support/run_model';

type H5 = typeof import('h5wasm/node').default;
let h5: H5;
const runner = new OrtRunner();
const dir = mkdtempSync(path.join(tmpdir(), 'convlens-h5-'));
before(async () => {
  h5 = (await import('h5wasm/node')).default;
  await h5.ready;
});
after(() => runner.dispose());

const SOURCE = `import keras
from keras import layers
x = keras.Input((8, 8, 3))
y = layers.Conv2D(4, 3, padding="same", name="conv")(x)
y = layers.BatchNormalization(name="bn")(y)
y = layers.ReLU()(y)
y = layers.GlobalAveragePooling2D()(y)
out = layers.Dense(5, name="head")(y)
model = keras.Model(x, out)
`;
const report = () => analyze(SOURCE).models[0];

/** Weights as seeded initializers would make them, with non-trivial BN statistics. */
async function referenceRun() {
  const weights = new RecordingWeights(21);
  const r = await runModel(report(), runner, { input: { kind: 'random' }, weights, seed: 4 });
  // BN stats from initializers are trivial (0 / 1): make them non-trivial and rerun.
  const bn = weights.used.get('bn')!;
  bn[2].set([0.1, -0.2, 0.3, 0.05]);
  bn[3].set([0.5, 2, 1.5, 0.8]);
  const again = await runModel(report(), runner, { input: { kind: 'random' }, weights, seed: 4 });
  assert.notDeepEqual(Array.from(again.output), Array.from(r.output), 'the BN statistics matter');
  return { used: weights.used, output: again.output };
}

function shapes(): Record<string, number[][]> {
  const conv = [[3, 3, 3, 4], [4]];
  const bn = [[4], [4], [4], [4]];
  const head = [[4, 5], [5]];
  // The same layers under the names another Keras session would give them.
  return { conv, bn, head, conv2d_7: conv, batch_normalization_3: bn, dense_9: head };
}

function writeKeras3(file: string, used: Map<string, Float32Array[]>, prefix = 'layers') {
  const f = new h5.File(file, 'w');
  const top = f.create_group(prefix);
  for (const [name, arrays] of used) {
    if (!arrays.length) continue;
    const vars = top.create_group(name).create_group('vars');
    arrays.forEach((a, i) => vars.create_dataset({ name: String(i), data: a, shape: shapes()[name][i], dtype: '<f' }));
  }
  f.create_group('vars');
  f.close();
}

function writeKeras2(file: string, used: Map<string, Float32Array[]>, names: Record<string, string[]>) {
  const f = new h5.File(file, 'w');
  const layerNames = [...used.keys()].filter((n) => used.get(n)!.length);
  f.create_attribute('layer_names', layerNames);
  for (const name of layerNames) {
    const g = f.create_group(name);
    const weightNames = names[name].map((w) => `${name}/${w}:0`);
    g.create_attribute('weight_names', weightNames);
    const inner = g.create_group(name);
    used.get(name)!.forEach((a, i) => inner.create_dataset({ name: `${names[name][i]}:0`, data: a, shape: shapes()[name][i], dtype: '<f' }));
  }
  f.close();
}

async function runWith(file: string) {
  const m = report();
  const weighted = m.layers.filter((l) => (l.params?.trainable ?? 0) + (l.params?.nonTrainable ?? 0) > 0).map((l) => l.layer);
  const weights = new TrainedWeights(await readWeightFile(file), weighted);
  return runModel(m, runner, { input: { kind: 'random' }, weights, seed: 4 });
}

describe('weight files', () => {
  it('Keras 3 .weights.h5 reproduces the run', async () => {
    const ref = await referenceRun();
    const file = path.join(dir, 'model.weights.h5');
    writeKeras3(file, ref.used);
    const stored = await readWeightFile(file);
    assert.equal(stored.format, 'keras3');
    assert.deepEqual(stored.layers.map((l) => l.name).sort(), ['bn', 'conv', 'head']);
    assert.deepEqual(Array.from((await runWith(file)).output), Array.from(ref.output));
  });

  it('a .keras archive (zip with config.json and model.weights.h5)', async () => {
    const ref = await referenceRun();
    const inner = path.join(dir, 'inner.weights.h5');
    writeKeras3(inner, ref.used);
    const { readFileSync } = await import('node:fs');
    const archive = path.join(dir, 'model.keras');
    writeFileSync(archive, zipSync({ 'metadata.json': new TextEncoder().encode('{"keras_version": "3.5.0"}'), 'config.json': new TextEncoder().encode('{}'), 'model.weights.h5': new Uint8Array(readFileSync(inner)) }));
    assert.deepEqual(Array.from((await runWith(archive)).output), Array.from(ref.output));
  });

  it('legacy Keras 2 .h5 (layer_names / weight_names attributes)', async () => {
    const ref = await referenceRun();
    const file = path.join(dir, 'legacy.h5');
    writeKeras2(file, ref.used, { conv: ['kernel', 'bias'], bn: ['gamma', 'beta', 'moving_mean', 'moving_variance'], head: ['kernel', 'bias'] });
    const stored = await readWeightFile(file);
    assert.equal(stored.format, 'keras2');
    assert.deepEqual(stored.layers.map((l) => l.name), ['conv', 'bn', 'head']);
    assert.deepEqual(Array.from((await runWith(file)).output), Array.from(ref.output));
  });

  it('other layer names are matched by order when the counts agree', async () => {
    const ref = await referenceRun();
    const renamed = new Map([['conv2d_7', ref.used.get('conv')!], ['batch_normalization_3', ref.used.get('bn')!], ['dense_9', ref.used.get('head')!]]);
    const file = path.join(dir, 'renamed.h5');
    writeKeras2(file, renamed, { conv2d_7: ['kernel', 'bias'], batch_normalization_3: ['gamma', 'beta', 'moving_mean', 'moving_variance'], dense_9: ['kernel', 'bias'] });
    assert.deepEqual(Array.from((await runWith(file)).output), Array.from(ref.output));
  });
});

describe('wrong weight files fail with a clear message', () => {
  it('a shape mismatch names the layer, the weight and both shapes', async () => {
    const ref = await referenceRun();
    const bad = new Map(ref.used);
    bad.set('head', [new Float32Array(4 * 6), new Float32Array(6)]);
    const file = path.join(dir, 'badshape.weights.h5');
    const f = new h5.File(file, 'w');
    const layersGroup = f.create_group('layers');
    for (const [name, arrays] of bad) {
      const vars = layersGroup.create_group(name).create_group('vars');
      const shp = name === 'head' ? [[4, 6], [6]] : shapes()[name];
      arrays.forEach((a, i) => vars.create_dataset({ name: String(i), data: a, shape: shp[i], dtype: '<f' }));
    }
    f.close();
    await assert.rejects(runWith(file), (e: unknown) => e instanceof LoweringFailure && /Layer "head" \(Dense\) cannot be run: layer "head" weight kernel should have shape \(4, 5\), the file has \(4, 6\)/.test(e.message));
  });

  it('a missing layer is named', async () => {
    const ref = await referenceRun();
    const partial = new Map([['conv', ref.used.get('conv')!]]);
    const file = path.join(dir, 'partial.weights.h5');
    writeKeras3(file, partial);
    await assert.rejects(runWith(file), /no weights for layer "bn"/);
  });

  it('not a weights file', async () => {
    const file = path.join(dir, 'notes.h5');
    writeFileSync(file, 'hello');
    await assert.rejects(readWeightFile(file), /not an HDF5 file or a \.keras archive/);
  });

  it('convlens run --weights uses the file; a bad file exits 1 with the reason', async () => {
    const ref = await referenceRun();
    const file = path.join(dir, 'cli.weights.h5');
    writeKeras3(file, ref.used);
    const model = path.join(dir, 'model.py');
    writeFileSync(model, SOURCE);
    const out: string[] = [];
    const code = await runCli(['run', model, '--weights', file, '--seed', '4', '--json', '--no-rf'], { out: (s) => out.push(s), err: (s) => out.push(s) });
    assert.equal(code, 0, out.join('\n'));
    assert.deepEqual(JSON.parse(out.join('\n')).outputShape, [1, 5]);
    const err: string[] = [];
    const bad = path.join(dir, 'notes.h5');
    assert.equal(await runCli(['run', model, '--weights', bad], { out: () => {}, err: (s) => err.push(s) }), 1);
    assert.match(err.join('\n'), /not an HDF5 file/);
  });
});
