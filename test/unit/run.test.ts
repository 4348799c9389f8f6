/** Running models: the run report, the CLI run/export commands, budgets, cancellation, a free event loop. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { analyze } from '../../extension/engine/analysis/analyze';
import { InitializerWeights } from '../../extension/engine/lowering/weights';
import { attributeFusedGroups, BudgetExceeded, layerOfNode, runModel } from '../../extension/runtime/run_model';
import { runCli } from '../../extension/cli/main';
import { readNpy, writeNpy } from '../../extension/runtime/inputs/npy';
import { OrtRunner, RunCancelled } from '../../extension/runtime/ort/runner';
import { makeSample } from '../../extension/runtime/inputs/samples';
import { example, ROOT } from '../support/analyze';

const runner = new OrtRunner();
after(() => runner.dispose());

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const tmp = mkdtempSync(path.join(tmpdir(), 'convlens-run-'));
const SMALL = path.join(tmp, 'small.py');
writeFileSync(SMALL, 'import keras\nfrom keras import layers\nx = keras.Input((16, 16, 3))\ny = layers.Conv2D(8, 3, padding="same", use_bias=False)(x)\ny = layers.BatchNormalization()(y)\ny = layers.ReLU()(y)\ny = layers.GlobalAveragePooling2D()(y)\nout = layers.Dense(10, activation="softmax")(y)\nmodel = keras.Model(x, out, name="small")\n');

describe('runModel', () => {
  it('reports output stats, top-5, latency and per-layer results', async () => {
    const m = analyze(readFileSync(SMALL, 'utf8')).models[0];
    const r = await runModel(m, runner, { input: { kind: 'random' }, weights: new InitializerWeights(1), perLayer: true, batch: 2 });
    assert.deepEqual(r.outputShape, [2, 10]);
    const sums = [0, 1].map((b) => Array.from(r.output.subarray(b * 10, b * 10 + 10)).reduce((p, q) => p + q, 0));
    for (const s of sums) assert.ok(Math.abs(s - 1) < 1e-5, 'softmax rows sum to 1');
    assert.equal(r.top5!.length, 5);
    assert.ok(r.top5![0].value >= r.top5![4].value);
    assert.ok(r.latencyMs > 0);
    assert.deepEqual(r.layers.filter((l) => l.name !== '(runtime)').map((l) => l.name), ['conv2d', 'batch_normalization', 're_lu', 'global_average_pooling2d', 'dense']);
    const relu = r.layers.find((l) => l.name === 're_lu')!;
    assert.ok(relu.stats!.min >= 0 && relu.stats!.zeros > 0.2, 'ReLU output has no negatives and many zeros');
    assert.deepEqual(relu.outputShape, [2, 16, 16, 8]);
  });

  it('the same seed repeats the run exactly; another seed does not', async () => {
    const m = analyze(readFileSync(SMALL, 'utf8')).models[0];
    const go = (seed: number) => runModel(m, runner, { input: { kind: 'random' }, weights: new InitializerWeights(seed), seed });
    const [a, b, c] = [await go(5), await go(5), await go(6)];
    assert.deepEqual(Array.from(a.output), Array.from(b.output));
    assert.notDeepEqual(Array.from(a.output), Array.from(c.output));
  });

  it('refuses an input over the memory budget before allocating it', async () => {
    const m = analyze(example('vgg16.py')).models[0];
    await assert.rejects(
      runModel(m, runner, { input: { kind: 'random' }, weights: new InitializerWeights(0), batch: 4096, memoryBudgetBytes: 512 * 1024 ** 2 }),
      (e: unknown) => e instanceof BudgetExceeded && /over the memory budget of 512 MiB/.test(e.message),
    );
  });

  it('a run can be cancelled', async () => {
    const m = analyze(example('xception.py')).models[0];
    const controller = new AbortController();
    const pending = runModel(m, runner, { input: { kind: 'random' }, weights: new InitializerWeights(0), batch: 2, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(pending, (e: unknown) => e instanceof RunCancelled || (e as Error).name === 'AbortError' || /cancel/i.test((e as Error).message));
  });

  it('the caller\'s event loop keeps turning while the model runs', async () => {
    const m = analyze(example('xception.py')).models[0];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const t0 = Date.now();
    await runModel(m, runner, { input: { kind: 'random' }, weights: new InitializerWeights(0), batch: 2 });
    clearInterval(timer);
    const elapsed = Date.now() - t0;
    // A loop blocked for the whole run could tick at most once, after it; a free one ticks all
    // along (about elapsed/5 times on a quiet machine, far fewer on a loaded one, never under 3).
    assert.ok(ticks >= 3, `${ticks} ticks in ${elapsed} ms`);
  });
});

describe('profile attribution', () => {
  it('maps ORT node names back to layers, fused nodes included', () => {
    const layers = new Set(['conv1', 'conv1_bn', 'conv1_relu', 'conv_dw_1']);
    assert.equal(layerOfNode('conv1/Transpose_node', layers), 'conv1');
    assert.equal(layerOfNode('conv1_relu_nchwc', layers), 'conv1_relu');
    assert.equal(layerOfNode('conv_dw_1_token_12', layers), 'conv_dw_1');
    assert.equal(layerOfNode('ReorderOutput', layers), '(runtime)');
  });
  it('groups Conv + BN + activation that ORT fused', () => {
    const layers = [
      { name: 'c', type: 'Conv2D', outputShape: [], latencyMs: 0, stats: null },
      { name: 'bn', type: 'BatchNormalization', outputShape: [], latencyMs: 0, stats: null },
      { name: 'r', type: 'ReLU', outputShape: [], latencyMs: 1.5, stats: null },
      { name: 'p', type: 'MaxPooling2D', outputShape: [], latencyMs: 0.2, stats: null },
    ] as Parameters<typeof attributeFusedGroups>[0];
    attributeFusedGroups(layers, new Map([['c', 'conv'], ['bn', 'normalization'], ['r', 'activation'], ['p', 'pooling']]));
    assert.deepEqual(layers.map((l) => l.fusedInto ?? null), ['r', 'r', null, null]);
  });
});

describe('convlens run / export', () => {
  it('run --json has the documented fields', async () => {
    const r = await cli(['run', SMALL, '--json', '--seed', '3']);
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out);
    for (const key of ['outputShape', 'stats', 'latencyMs', 'layers', 'receptiveField']) assert.ok(key in doc, key);
    assert.deepEqual(doc.outputShape, [1, 10]);
    assert.deepEqual(Object.keys(doc.stats), ['min', 'max', 'mean', 'std', 'zeros']);
    assert.ok(doc.layers.every((l: { name: string; latencyMs: unknown }) => typeof l.latencyMs === 'number'));
    assert.deepEqual(doc.receptiveField.analytical, { layer: 're_lu', size: [3, 3], stride: [1, 1], padding: [1, 1] });
    // Unit (8, 8) of re_lu sees input rows and cols 7..9, and the impulse probe finds exactly those.
    assert.deepEqual(doc.receptiveField.measured, {
      layer: 're_lu', unit: [8, 8], analyticalRows: [7, 9], analyticalCols: [7, 9], rows: [7, 9], cols: [7, 9], agrees: true, erf: null,
    });
  });

  it('run prints a human report and saves the output as .npy', async () => {
    const out = path.join(tmp, 'out.npy');
    const r = await cli(['run', SMALL, '--input', 'checkerboard', '--save-output', out]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^Model "small": input \(1, 16, 16, 3\) checkerboard/);
    assert.match(r.out, /Top-5 \(batch item 0\): #\d+/);
    assert.match(r.out, /Latency: [\d.]+ ms/);
    assert.match(r.out, /unit \(8, 8\): analytical rows 7\.\.9, cols 7\.\.9; measured in the image rows 7\.\.9, cols 7\.\.9: agrees/);
    const saved = readNpy(readFileSync(out));
    assert.deepEqual(saved.shape, [1, 10]);
  });

  it('run takes a .npy input as is', async () => {
    const input = path.join(tmp, 'in.npy');
    writeFileSync(input, writeNpy({ shape: [3, 16, 16, 3], data: makeSample('impulse', [3, 16, 16, 3], 0) }));
    const doc = JSON.parse((await cli(['run', SMALL, '--input', input, '--json'])).out);
    assert.deepEqual(doc.inputShape, [3, 16, 16, 3]);
    assert.deepEqual(doc.outputShape, [3, 10]);
  });

  it('run refuses a file with Keras errors and names a layer it cannot lower', async () => {
    const bad = path.join(tmp, 'bad.py');
    writeFileSync(bad, 'import keras\nfrom keras import layers\nx = keras.Input((4, 4, 1))\nm = keras.Model(x, layers.Conv2D(2, 9)(x))\n');
    assert.equal((await cli(['run', bad])).code, 1);
    const unknown = path.join(tmp, 'unknown.py');
    writeFileSync(unknown, 'import keras\nfrom keras import layers\nx = keras.Input((4, 4, 1))\nm = keras.Model(x, layers.Mystery()(x))\n');
    const r = await cli(['run', unknown]);
    assert.equal(r.code, 1);
    assert.match(r.err, /Layer "mystery" \(Mystery\) cannot be run: ConvLens does not model this layer kind\. \(.*unknown\.py:4:\d+\)/);
  });

  it('export writes an ONNX model that ONNX Runtime loads and runs', async () => {
    const file = path.join(tmp, 'mobilenet.onnx');
    const r = await cli(['export', path.join(ROOT, 'examples/mobilenet_v1.py'), '-o', file]);
    assert.equal(r.code, 0, r.err);
    const session = await ort.InferenceSession.create(file);
    const [input] = session.inputNames;
    const out = await session.run({ [input]: new ort.Tensor('float32', new Float32Array(224 * 224 * 3), [1, 224, 224, 3]) });
    assert.deepEqual([...(out[session.outputNames[0]] as ort.Tensor).dims], [1, 1000]);
    await session.release();
  });

  it('usage errors exit 2', async () => {
    assert.equal((await cli(['run'])).code, 2);
    assert.equal((await cli(['run', SMALL, '--input', 'sunshine'])).code, 2);
    assert.equal((await cli(['run', SMALL, '--batch', '0'])).code, 2);
    assert.equal((await cli(['export', SMALL])).code, 2);
  });
});

describe('runtime errors and kept outputs', () => {
  it('an ORT error naming a node is reported with its Keras layer', async () => {
    const { explainOrtError } = await import('../../extension/runtime/run_model');
    const m = analyze(readFileSync(SMALL, 'utf8')).models[0];
    const e = explainOrtError(new Error("Non-zero status code returned while running Conv node. Name:'conv2d/Conv_node' Status Message: bad"), m, () => 4);
    assert.equal(e.layer, 'conv2d');
    assert.match(e.message, /^ONNX Runtime failed in layer "conv2d" \(Conv2D\) \(line 4\): Non-zero status/);
  });

  it('keepOutputs returns the chosen layers\' feature maps', async () => {
    const m = analyze(readFileSync(SMALL, 'utf8')).models[0];
    const r = await runModel(m, runner, { input: { kind: 'checkerboard' }, weights: new InitializerWeights(1), keepOutputs: ['re_lu'] });
    const map = r.kept.get('re_lu')!;
    assert.deepEqual(map.dims, [1, 16, 16, 8]);
    assert.ok(map.data.every((v) => v >= 0));
  });
});
