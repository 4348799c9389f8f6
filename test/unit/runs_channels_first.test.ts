/**
 * "Run on sample" with channels_first models: the receptive-field probe, the run view's heatmap
 * frame, the thumbnails and the sample inputs must read the model's own layout. Truths: the same
 * model built channels_last and the analytical field; Keras' predict on an image
 * (test/goldens/channels_first/run_image.*, scripts/goldens/make_channels_first_run_golden.py).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';
import { inputDataFormat } from '../../extension/engine/analysis/data_format';
import { InitializerWeights } from '../../extension/engine/lowering/weights';
import { runView } from '../../extension/engine/views/run_view';
import { makeSample } from '../../extension/runtime/inputs/samples';
import { readNpy } from '../../extension/runtime/inputs/npy';
import { featureThumbnails } from '../../extension/runtime/ort/thumbnails';
import { InProcessRunner } from '../../extension/runtime/ort/in_process_runner';
import { measureReceptiveField } from '../../extension/runtime/rf_probe';
import { runJob, type RunJob } from '../../extension/runtime/run_job';
import { ROOT } from '../support/analyze';

const runner = new InProcessRunner();

/** The same small net in either layout: global format for the first convs, explicit data_format for the last. */
function smallNet(format: 'channels_first' | 'channels_last'): string {
  const input = format === 'channels_first' ? '(3, 40, 48)' : '(40, 48, 3)';
  return `import keras\nfrom keras import layers\nkeras.config.set_image_data_format("${format}")\ninp = keras.Input(${input})\n`
    + 'x = layers.Conv2D(4, 3, strides=2, padding="same", activation="relu")(inp)\n'
    + 'x = layers.BatchNormalization(axis=1 if keras.config.image_data_format() == "channels_first" else -1)(x)\n'
    + 'x = layers.Conv2D(4, 5, padding="same", dilation_rate=2)(x)\n'
    + 'x = layers.MaxPooling2D(3, strides=2)(x)\n'
    + `x = layers.Conv2D(6, (3, 1), data_format="${format}", name="last")(x)\n`
    + 'model = keras.Model(inp, x)\n';
}

function mobileNet(format: 'channels_first' | 'channels_last'): string {
  const shape = format === 'channels_first' ? '(3, 96, 128)' : '(96, 128, 3)';
  return `import keras\nkeras.config.set_image_data_format("${format}")\nmodel = keras.applications.MobileNet(weights=None, input_shape=${shape})\n`;
}

describe('measured receptive field of channels_first models', () => {
  for (const [name, source, layer] of [['a small conv net', smallNet, undefined], ['MobileNet with the global format set', mobileNet, 'conv_pw_3_relu']] as const) {
    it(`${name}: the same as channels_last, and the analytical field`, async () => {
      const [first, last] = await Promise.all((['channels_first', 'channels_last'] as const).map(async (f) => {
        const report = analyze(source(f)).models[0];
        assert.equal(inputDataFormat(report.graph), f);
        return measureReceptiveField(report, runner, { layer, weights: new InitializerWeights(0), erfSamples: 64 });
      }));
      assert.ok(last.agrees, JSON.stringify(last));
      assert.ok(first.agrees, `measured ${JSON.stringify(first.measured)} vs analytical ${JSON.stringify(first.analytical)}`);
      assert.deepEqual(first.unit, last.unit);
      assert.deepEqual(first.measured, last.measured);
      assert.deepEqual(first.analytical, last.analytical);
      assert.deepEqual(first.inputSize, last.inputSize);
      // The field is smaller than the image on both axes: a wrong axis would not go unnoticed.
      for (const [a, e] of first.measured.entries()) assert.ok(e.start > 0 || e.end < first.inputSize[a] - 1);
      assert.deepEqual([first.erf!.rows, first.erf!.cols, ...first.erf!.origin], [last.erf!.rows, last.erf!.cols, ...last.erf!.origin]);
    });
  }
});

const job = (over: Partial<RunJob>): RunJob => ({ text: '', input: { kind: 'random' }, seed: 1, batch: 1, memoryBudgetMB: 512, threads: 0, receptiveField: true, ...over });

describe('runs of channels_first models', () => {
  it('the run view frames the heatmap with the input height and width, not its channels', async () => {
    const r = await runJob(job({ text: smallNet('channels_first'), thumbnails: true }), runner);
    assert.deepEqual(r.inputShape, [1, 3, 40, 48]);
    const v = runView(r);
    assert.deepEqual(v.erf!.input, [40, 48]);
    assert.match(v.receptiveField!, /\(agrees\)$/);
    // The last conv's map (6 channels of 7 x 11: 40x48 -> 20x24 -> pool 9x11 -> (3, 1) valid 7x11) as 6 thumbnails of 7 x 11.
    const t = v.thumbnails.last;
    assert.deepEqual([t.channels, t.height, t.width], [6, 7, 11]);
  });

  it('an image fed to a channels_first model gives what Keras predicts for it (laid out CHW)', async () => {
    const dir = path.join(ROOT, 'test', 'goldens', 'channels_first');
    const text = readFileSync(path.join(ROOT, 'test', 'goldens', 'weights', 'cases', 'channels_first.py'), 'utf8');
    const r = await runJob(job({
      text, input: { kind: 'image', path: path.join(dir, 'run_image.png'), preprocess: 'unit' },
      weightsPath: path.join(ROOT, 'test', 'goldens', 'weights', 'channels_first.weights.h5'), keepOutput: true, receptiveField: false,
    }), runner);
    const keras = readNpy(readFileSync(path.join(dir, 'run_image.output.npy')));
    assert.deepEqual(r.outputShape, keras.shape);
    const worst = Math.max(...Array.from(keras.data, (k, i) => Math.abs(k - r.output![i]) / (1 + Math.abs(k))));
    assert.ok(worst < 1e-4, `largest relative difference ${worst}: ${Array.from(r.output!)} vs Keras ${Array.from(keras.data)}`);
    assert.deepEqual([r.inputImage!.height, r.inputImage!.width], [12, 16]);
  });
});

describe('where the layout comes from: the convs and poolings reading the input', () => {
  const text = (body: string) => `import keras\nfrom keras import layers\ninp = keras.Input((3, 32, 32))\n${body}\nmodel = keras.Model(inp, x)\n`;
  it('through layers that keep the shape (rescaling, normalization over axis 1)', () => {
    const graph = analyze(text('x = layers.Rescaling(1 / 255)(inp)\nx = layers.Normalization(axis=1, mean=[0, 0, 0], variance=[1, 1, 1])(x)\nx = layers.Conv2D(4, 3, data_format="channels_first")(x)')).models[0].graph;
    assert.equal(inputDataFormat(graph), 'channels_first');
  });
  it('channels last when the first window reading it says so, or when none does', () => {
    assert.equal(inputDataFormat(analyze(text('x = layers.MaxPooling2D(2)(inp)')).models[0].graph), 'channels_last');
    assert.equal(inputDataFormat(analyze(text('x = layers.Flatten()(inp)')).models[0].graph), 'channels_last');
  });
});

describe('channels_first samples and thumbnails', () => {
  it('impulse and checkerboard samples are the channels_last ones transposed', () => {
    const [N, H, W, C] = [2, 5, 19, 3];
    for (const kind of ['impulse', 'checkerboard'] as const) {
      const last = makeSample(kind, [N, H, W, C], 0);
      const first = makeSample(kind, [N, C, H, W], 0, 'channels_first');
      for (let b = 0; b < N; b++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < C; c++) {
        assert.equal(first[((b * C + c) * H + y) * W + x], last[((b * H + y) * W + x) * C + c], `${kind} at ${[b, y, x, c]}`);
      }
    }
    // The impulse is at the spatial centre only.
    const impulse = makeSample('impulse', [1, C, H, W], 0, 'channels_first');
    assert.equal(impulse.reduce((a, v) => a + v, 0), C);
    assert.equal(impulse[(1 * H + 2) * W + 9], 1);
  });

  it('thumbnails of an NCHW map equal those of the same map NHWC', () => {
    const [H, W, C] = [7, 40, 10];
    const nchw = Float32Array.from({ length: H * W * C }, (_, i) => Math.sin(i * 0.37) * (1 + (i % 5)));
    const nhwc = new Float32Array(nchw.length);
    for (let c = 0; c < C; c++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) nhwc[(y * W + x) * C + c] = nchw[(c * H + y) * W + x];
    const first = featureThumbnails([1, C, H, W], nchw, 'channels_first')!;
    const last = featureThumbnails([1, H, W, C], nhwc)!;
    assert.deepEqual([first.channels, first.height, first.width], [8, 4, 20]);
    assert.deepEqual(first, last);
  });
});
