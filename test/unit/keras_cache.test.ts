/**
 * keras.applications with weights="imagenet": the pretrained file from Keras' cache
 * ($KERAS_HOME/models/<the file name Keras downloads>) when present, else the initializers, and
 * the run says which. The golden (scripts/goldens/make_keras_cache_golden.py) is a fake KERAS_HOME
 * holding seeded random weights under MobileNet(alpha=0.25, include_top=False)'s file name, and
 * the predict of the model real Keras built from it with weights="imagenet".
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';
import { chooseModel } from '../../extension/engine/analysis/model_choice';
import { InitializerWeights } from '../../extension/engine/lowering/weights';
import { runJob } from '../../extension/runtime/run_job';
import { runModel } from '../../extension/runtime/run_model';
import { chooseWeights, kerasHome, pretrainedWeightsFile } from '../../extension/engine/weights/keras_cache';
import { TrainedWeights } from '../../extension/engine/weights/trained_weights';
import { runCli } from '../../extension/cli/main';
import { readNpy } from '../../extension/runtime/inputs/npy';
import { OrtRunner } from '../../extension/runtime/ort/runner';

const GOLDEN = path.join(__dirname, '..', 'goldens', 'keras_cache');
const HOME = path.join(GOLDEN, 'keras_home');
const manifest = JSON.parse(readFileSync(path.join(GOLDEN, 'manifest.json'), 'utf8')) as { file: string; model_name: string; source: string; input: string; output: string };
const SOURCE = readFileSync(path.join(GOLDEN, manifest.source), 'utf8');
const npy = (file: string) => readNpy(readFileSync(path.join(GOLDEN, file)));
const runner = new OrtRunner();
after(() => runner.dispose());
const empty = mkdtempSync(path.join(tmpdir(), 'convlens-keras-home-'));

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

const reportOf = (text: string) => chooseModel(analyze(text))!;

describe("keras.applications' pretrained weights from Keras' cache", () => {
  it('names the file Keras downloads for each application and variant', () => {
    const file = (call: string) => reportOf(`import keras\nm = keras.applications.${call}\n`).graph.pretrained;
    assert.equal(reportOf(SOURCE).graph.pretrained, manifest.file);
    assert.equal(reportOf(SOURCE).graph.name, manifest.model_name);
    assert.equal(file('MobileNet(alpha=0.25, input_shape=(128, 128, 3))'), 'mobilenet_2_5_128_tf.h5');
    assert.equal(file('MobileNetV2(alpha=0.35, input_shape=(96, 96, 3), include_top=False)'), 'mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5');
    assert.equal(file('MobileNetV3Small(minimalistic=True, include_top=False)'), 'weights_mobilenet_v3_small_minimalistic_224_1.0_float_no_top_v2.h5');
    assert.equal(file('MobileNetV3Large(alpha=0.75)'), 'weights_mobilenet_v3_large_224_0.75_float.h5');
    assert.equal(file('ResNet152(include_top=False, input_shape=(64, 64, 3))'), 'resnet152_weights_tf_dim_ordering_tf_kernels_notop.h5');
    assert.equal(file('ResNet50V2()'), 'resnet50v2_weights_tf_dim_ordering_tf_kernels.h5');
    assert.equal(file('EfficientNetB0()'), 'efficientnetb0.h5');
    assert.equal(file('EfficientNetV2S(include_top=False)'), 'efficientnetv2-s_notop.h5');
    assert.equal(file('ConvNeXtTiny(include_top=False)'), 'convnext_tiny_notop.h5');
    assert.equal(file('NASNetMobile(include_top=False)'), 'nasnet_mobile_no_top.h5');
    assert.equal(file('NASNetLarge()'), 'nasnet_large.h5');
    assert.equal(file('VGG19(include_top=False)'), 'vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5');
    assert.equal(file('DenseNet201()'), 'densenet201_weights_tf_dim_ordering_tf_kernels.h5');
    assert.equal(file('Xception(include_top=False)'), 'xception_weights_tf_dim_ordering_tf_kernels_notop.h5');
    assert.equal(file('InceptionV3()'), 'inception_v3_weights_tf_dim_ordering_tf_kernels.h5');
    assert.equal(file('InceptionResNetV2(include_top=False)'), 'inception_resnet_v2_weights_tf_dim_ordering_tf_kernels_notop.h5');
    assert.equal(file('ResNet50(weights=None)'), undefined, 'weights=None: nothing to load');
  });

  it("KERAS_HOME, else ~/.keras, as Keras' get_file", () => {
    assert.equal(kerasHome({ KERAS_HOME: '/x/y' }), '/x/y');
    assert.equal(kerasHome({}), path.join(homedir(), '.keras'));
    assert.deepEqual(pretrainedWeightsFile(reportOf(SOURCE).graph, HOME), { file: manifest.file, path: path.join(HOME, 'models', manifest.file), present: true });
  });

  it("uses the cached file and reproduces Keras' predict", async () => {
    const report = reportOf(SOURCE);
    const chosen = await chooseWeights(report.graph, { seed: 0, kerasHome: HOME });
    assert.ok(chosen.weights instanceof TrainedWeights);
    assert.equal(chosen.weights.format, 'legacy');
    assert.equal(chosen.label, `imagenet weights from Keras' cache (${path.join(HOME, 'models', manifest.file)})`);
    const input = npy(manifest.input);
    const run = await runModel(report, runner, { input: { kind: 'array', data: input.data, shape: input.shape }, weights: chosen.weights, seed: 0 });
    const err = relativeError(run.output, npy(manifest.output).data);
    assert.ok(err <= 1e-5, `relative error ${err}`);
  });

  it('without the file: the initializers, and the label says so', async () => {
    const report = reportOf(SOURCE);
    const chosen = await chooseWeights(report.graph, { seed: 3, kerasHome: empty });
    assert.ok(chosen.weights instanceof InitializerWeights);
    assert.equal(chosen.label, `initializers (seed 3): the imagenet weights ${manifest.file} are not in Keras' cache (${path.join(empty, 'models')})`);
    const none = await chooseWeights(reportOf('import keras\nm = keras.applications.MobileNet(alpha=0.25, include_top=False, weights=None)\n').graph, { seed: 3, kerasHome: HOME });
    assert.equal(none.label, 'initializers (seed 3)');
  });

  it('a backbone inside a larger model: its layers get the cached file, the head its initializers', async () => {
    const text = `${SOURCE.replace('model = ', 'base = ')}x = keras.layers.GlobalAveragePooling2D()(base.output)\nmodel = keras.Model(base.input, keras.layers.Dense(4)(x), name="classifier")\n`;
    const analysis = analyze(text);
    const report = chooseModel(analysis, 'classifier')!;
    assert.equal(report.graph.pretrained, undefined);
    const others = analysis.models.map((m) => m.graph);
    const chosen = await chooseWeights(report.graph, { seed: 0, kerasHome: HOME, others });
    assert.equal(chosen.label, `imagenet weights of ${manifest.model_name} from Keras' cache (${path.join(HOME, 'models', manifest.file)}); initializers (seed 0) for the rest`);
    const input = npy(manifest.input);
    const run = await runModel(report, runner, { input: { kind: 'array', data: input.data, shape: input.shape }, weights: chosen.weights, seed: 0, keepOutputs: ['conv_pw_13_relu'] });
    const err = relativeError(run.kept.get('conv_pw_13_relu')!.data, npy(manifest.output).data);
    assert.ok(err <= 1e-5, `relative error ${err}`);
    const without = await chooseWeights(report.graph, { seed: 0, kerasHome: empty, others });
    assert.ok(without.weights instanceof InitializerWeights);
    assert.equal(without.label, `initializers (seed 0): the imagenet weights ${manifest.file} of ${manifest.model_name} are not in Keras' cache (${path.join(empty, 'models')})`);
  });

  it('runJob (the editor) and convlens run (KERAS_HOME) report the weights used', async () => {
    const job = { text: SOURCE, input: { kind: 'random' as const }, seed: 1, batch: 1, memoryBudgetMB: 512, threads: 0, receptiveField: false };
    assert.match((await runJob({ ...job, kerasHome: HOME }, runner)).weights, /^imagenet weights from Keras' cache/);
    assert.match((await runJob({ ...job, kerasHome: empty }, runner)).weights, /^initializers \(seed 1\): the imagenet weights/);
    const saved = process.env.KERAS_HOME;
    process.env.KERAS_HOME = HOME;
    try {
      const out: string[] = [];
      const code = await runCli(['run', path.join(GOLDEN, manifest.source), '--no-rf'], { out: (s) => out.push(s), err: (s) => out.push(s) });
      assert.equal(code, 0, out.join('\n'));
      assert.ok(out.some((l) => l === `Weights: imagenet weights from Keras' cache (${path.join(HOME, 'models', manifest.file)})`), out.join('\n'));
    } finally {
      if (saved === undefined) delete process.env.KERAS_HOME;
      else process.env.KERAS_HOME = saved;
    }
  });

  it('weights=<path>: the file Keras would load_weights (relative to the source folder), or Keras\' refusal when it does not exist', async () => {
    // Real Keras 3.15.1, weights='keras_home/models/<file>' run from this folder: the same predict as the golden (max diff 0.0).
    const given = `keras_home/models/${manifest.file}`;
    const report = reportOf(SOURCE.replace('weights="imagenet"', `weights="${given}"`));
    assert.equal(report.graph.pretrained, undefined);
    const chosen = await chooseWeights(report.graph, { seed: 0, kerasHome: empty, baseDir: GOLDEN });
    assert.ok(chosen.weights instanceof TrainedWeights);
    assert.equal(chosen.label, `weights=${JSON.stringify(given)} (${path.join(GOLDEN, given)})`);
    const input = npy(manifest.input);
    const run = await runModel(report, runner, { input: { kind: 'array', data: input.data, shape: input.shape }, weights: chosen.weights, seed: 0 });
    assert.ok(relativeError(run.output, npy(manifest.output).data) <= 1e-5);
    // As a backbone under a head: its layers from the file, the head from its initializers.
    const text = `${SOURCE.replace('weights="imagenet"', `weights="${given}"`).replace('model = ', 'base = ')}x = keras.layers.GlobalAveragePooling2D()(base.output)\nmodel = keras.Model(base.input, keras.layers.Dense(4)(x), name="classifier")\n`;
    const analysis = analyze(text);
    const head = await chooseWeights(chooseModel(analysis, 'classifier')!.graph, { seed: 0, kerasHome: empty, baseDir: GOLDEN, others: analysis.models.map((m) => m.graph) });
    // Keras names this model mobilenet_0.25_96: only imagenet weights round its size to 224.
    assert.equal(head.label, `weights of mobilenet_0.25_96 from weights=${JSON.stringify(given)} (${path.join(GOLDEN, given)}); initializers (seed 0) for the rest`);
    // Keras 3.15.1's ValueError for a path that does not exist, word for word.
    const missing = reportOf(SOURCE.replace('weights="imagenet"', 'weights="nope/x.h5"'));
    await assert.rejects(chooseWeights(missing.graph, { seed: 0, baseDir: GOLDEN }), {
      message: "The `weights` argument should be either `None` (random initialization), 'imagenet' (pre-training on ImageNet), or the path to the weights file to be loaded. Received weights=nope/x.h5",
    });
  });

  it('convlens run resolves weights=<relative path> against the source file\'s folder, not the working directory', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'convlens-weights-path-'));
    mkdirSync(path.join(dir, 'w'));
    copyFileSync(path.join(HOME, 'models', manifest.file), path.join(dir, 'w', 'backbone.h5'));
    writeFileSync(path.join(dir, 'model.py'), SOURCE.replace('weights="imagenet"', 'weights="w/backbone.h5"'));
    const out: string[] = [];
    const code = await runCli(['run', path.join(dir, 'model.py'), '--no-rf'], { out: (s) => out.push(s), err: (s) => out.push(s) });
    assert.equal(code, 0, out.join('\n'));
    assert.ok(out.includes(`Weights: weights="w/backbone.h5" (${path.join(dir, 'w', 'backbone.h5')})`), out.join('\n'));
  });
});
