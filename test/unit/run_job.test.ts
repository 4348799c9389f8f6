/** The editor's run job (analyse, lower, run, measure) and its sidebar view model. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { runJob, type RunJob } from '../../extension/runtime/run_job';
import { runView } from '../../extension/engine/views/run_view';
import { InProcessRunner } from '../../extension/runtime/ort/in_process_runner';

const runner = new InProcessRunner();
const TEXT = 'import keras\nfrom keras import layers\nx = keras.Input((16, 16, 3))\ny = layers.Conv2D(8, 3, padding="same", activation="relu", name="c")(x)\ny = layers.GlobalAveragePooling2D()(y)\nm = keras.Model(x, layers.Dense(4, activation="softmax")(y), name="tiny")\n';
const job = (over: Partial<RunJob> = {}): RunJob => ({ text: TEXT, input: { kind: 'random' }, seed: 1, batch: 1, memoryBudgetMB: 512, threads: 0, receptiveField: true, ...over });

describe('runJob', () => {
  it('runs, measures the receptive field and returns feature maps', async () => {
    const stages: string[] = [];
    const r = await runJob(job({ featureMaps: ['c'], thumbnails: true }), runner, { progress: (s) => stages.push(s) });
    assert.deepEqual(stages, ['Analysing the model', 'Running in ONNX Runtime', 'Measuring the receptive field']);
    assert.equal(r.model, 'tiny');
    assert.deepEqual(r.outputShape, [1, 4]);
    assert.equal(r.top5!.length, 4);
    assert.equal(r.receptiveField!.layer, 'c');
    assert.ok(r.receptiveField!.agrees);
    assert.deepEqual(r.featureMaps[0].dims, [1, 16, 16, 8]);
    const v = runView(r);
    assert.match(v.receptiveField!, /^c unit \(8, 8\): analytical rows 7\.\.9, cols 7\.\.9; measured rows 7\.\.9, cols 7\.\.9 \(agrees\)$/);
    assert.ok(v.erf && v.erf.values.length === v.erf.rows * v.erf.cols && Math.max(...v.erf.values) === 1);
    assert.ok(v.layers.some((l) => l.fraction === 1));
    // The heatmap's frame: the 16x16 input, and the 3x3 conv's analytical field around unit (8, 8) outlined.
    assert.deepEqual(v.erf!.input, [16, 16]);
    assert.deepEqual(v.erf!.analytical, { top: 7, bottom: 9, left: 7, right: 9 });
    // Initializer weights: no flat top-5, a plain statement instead; trained weights keep the top-5.
    assert.match(r.weights, /^initializers \(seed 1\)/);
    assert.equal(v.top5, null);
    assert.match(v.untrained!, /predictions mean nothing until trained weights are given/);
    const trained = runView({ ...r, weights: '/models/tiny.weights.h5', weightsTrained: 'all' });
    assert.equal(trained.untrained, null);
    assert.equal(trained.top5!.length, 4);
    // Thumbnails: the conv layer's 8 channels at 16x16 (no downsampling needed), grey levels.
    const thumb = v.thumbnails.c;
    assert.deepEqual([thumb.channels, thumb.height, thumb.width], [8, 16, 16]);
    // Sent as base64 bytes (compact to post), each channel scaled to the full grey range.
    const grey = Buffer.from(thumb.data, 'base64');
    assert.equal(grey.length, 8 * 16 * 16);
    assert.ok(grey.includes(0) && grey.includes(255));
    assert.ok(JSON.stringify(v.thumbnails).length < 3 * grey.length, 'compact: well under a JSON number array');
    assert.equal(v.thumbnails.dense, undefined, 'vectors have no feature maps');
    // What the webview receives is plain JSON: it survives serialisation unchanged.
    assert.deepEqual(JSON.parse(JSON.stringify(v)), v);
  });

  it('noise for an Embedding input is random indices below input_dim, not normal noise (which would look up rows 0-2 only)', async () => {
    const text = 'import keras\nfrom keras import layers\nx = keras.Input((64,))\ne = layers.Embedding(1000, 2, name="table")(x)\nm = keras.Model(x, layers.Flatten()(e), name="emb")\n';
    const r = await runJob(job({ text, model: 'emb', featureMaps: ['table'], receptiveField: false }), runner);
    const looked = r.featureMaps[0];
    assert.deepEqual(looked.dims, [1, 64, 2]);
    const rows = new Set<string>();
    for (let i = 0; i < 64; i++) rows.add(`${looked.data[2 * i]},${looked.data[2 * i + 1]}`);
    // 64 draws from 1,000 rows: about 62 distinct; normal noise cast to indices gives at most 3.
    assert.ok(rows.size >= 48, `${rows.size} distinct rows`);
  });

  it('thumbnails downsample large maps and scale each channel to its own range', async () => {
    const { featureThumbnails } = await import('../../extension/runtime/ort/thumbnails');
    const dims = [1, 64, 64, 2];
    const data = Float32Array.from({ length: 64 * 64 * 2 }, (_, i) => (i % 2 === 0 ? Math.floor(i / 2) % 64 : -5));
    const t = featureThumbnails(dims, data)!;
    assert.deepEqual([t.channels, t.height, t.width], [2, 32, 32]);
    // Channel 0 grows along x: the first row goes from 0 to 255 in steps.
    assert.equal(t.data[0], 0);
    assert.ok(t.data[31] > 240);
    // Channel 1 is constant: all zeros after scaling by its own (empty) range.
    assert.ok(t.data.subarray(32 * 32).every((g) => g === 0));
  });

  it('an image input and a named model', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'convlens-job-'));
    const png = new PNG({ width: 8, height: 8 });
    png.data.fill(200);
    const file = path.join(dir, 'x.png');
    writeFileSync(file, PNG.sync.write(png));
    const r = await runJob(job({ model: 'm', input: { kind: 'image', path: file, preprocess: 'symmetric' }, receptiveField: false }), runner);
    assert.deepEqual(r.inputShape, [1, 16, 16, 3]);
    assert.equal(r.receptiveField, null);
    // The image as the model saw it, for drawing the ERF over it.
    assert.deepEqual([r.inputImage!.width, r.inputImage!.height, r.inputImage!.rgba.length], [16, 16, 16 * 16 * 4]);
    assert.equal(r.inputImage!.rgba[0], 200);
    assert.deepEqual([...Buffer.from(runView(r).image!.rgba, 'base64')], [...r.inputImage!.rgba], 'the pixels, as base64');
  });

  it('a model whose input has None height and width runs at the size of the image it is given', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'convlens-job-'));
    const png = new PNG({ width: 24, height: 20 });
    png.data.fill(120);
    const file = path.join(dir, 'wide.png');
    writeFileSync(file, PNG.sync.write(png));
    // Keras: Conv2D(4, 3, strides=2, padding="same") on (1, 20, 24, 3) gives (1, 10, 12, 4).
    const text = 'import keras\nfrom keras import layers\ninputs = keras.Input((None, None, 3))\noutputs = layers.Conv2D(4, 3, strides=2, padding="same")(inputs)\nm = keras.Model(inputs, outputs, name="dyn")\n';
    const r = await runJob(job({ text, model: 'dyn', input: { kind: 'image', path: file, preprocess: 'symmetric' }, receptiveField: false }), runner);
    assert.deepEqual(r.inputShape, [1, 20, 24, 3]);
    assert.deepEqual(r.outputShape, [1, 10, 12, 4]);
    // Without an image there is no size to take: the job asks for one.
    await assert.rejects(runJob(job({ text, model: 'dyn', receptiveField: false }), runner), /unknown dimensions; give a concrete input shape/);
  });

  it('refuses files with Keras errors, naming the first one', async () => {
    await assert.rejects(runJob(job({ text: TEXT.replace('Conv2D(8, 3,', 'Conv2D(8, 30,').replace('padding="same", ', '') }), runner), /Keras error\(s\) \(the first on line 4: Computed output size would be zero or negative/);
  });
});

describe('exportJob', () => {
  it('fills unknown input axes from the default input shape (the editor passes convlens.defaultInputShape)', async () => {
    const { exportJob, JobFailure } = await import('../../extension/runtime/run_job');
    const dynamic = TEXT.replace('keras.Input((16, 16, 3))', 'keras.Input((None, None, 3))');
    await assert.rejects(exportJob({ kind: 'export', text: dynamic, seed: 0, memoryBudgetMB: 64 }), (e: unknown) => e instanceof JobFailure && /\(line \d+\)$/.test(e.message));
    const ort = await import('onnxruntime-node');
    const { bytes } = await exportJob({ kind: 'export', text: dynamic, seed: 0, memoryBudgetMB: 64, defaultInputShape: [32, 32, 3] });
    const session = await ort.InferenceSession.create(bytes);
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', new Float32Array(32 * 32 * 3), [1, 32, 32, 3]) });
    assert.deepEqual([...(out[session.outputNames[0]] as InstanceType<typeof ort.Tensor>).dims], [1, 4]);
    await session.release();
  });

  it('returns ONNX bytes ONNX Runtime loads', async () => {
    const { exportJob } = await import('../../extension/runtime/run_job');
    const ort = await import('onnxruntime-node');
    const { model, bytes } = await exportJob({ kind: 'export', text: TEXT, seed: 3, memoryBudgetMB: 512 });
    assert.equal(model, 'tiny');
    const session = await ort.InferenceSession.create(bytes);
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', new Float32Array(16 * 16 * 3), [1, 16, 16, 3]) });
    assert.deepEqual([...(out[session.outputNames[0]] as InstanceType<typeof ort.Tensor>).dims], [1, 4]);
    await session.release();
  });
});
