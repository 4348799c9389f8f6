/**
 * The keras.applications trace cache (extension/engine/trace/trace_cache.ts) is invisible: every
 * analysis with it is the same object graph as without it (ids, automatic names, spans, owners,
 * diagnostics, steps), whether the call is recorded, replayed in the same file, or replayed from
 * an earlier analysis of another file. And it is used: backbones are replayed, not traced again.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze, type AnalyzeOptions } from '../../extension/engine/analysis/analyze';
import { DocumentSession } from '../../extension/engine/session/document_session';
import { clearTraceCache, traceCacheStats } from '../../extension/engine/trace/trace_cache';
import { lowerModel } from '../../extension/engine/lowering/lower_model';
import { applicationNames } from '../../kernels/applications';
import { RecordingWeights } from '../support/run_model';
import { loadCorpus } from '../corpus/compare';
import { applicationGoldens, sourceFor } from '../support/application_goldens';
import { example } from '../support/analyze';
import { analyzeUncached, assertSameAnalysis } from '../support/same_analysis';

const LIMITS = { maxMillis: 60_000 };

/** Cold (recorded) and warm (replayed) analyses of `text` are both the uncached one. */
function check(text: string, what: string, options: AnalyzeOptions = {}): { hits: number; recorded: number } {
  const opts = { ...options, limits: { ...LIMITS, ...options.limits } };
  const uncached = analyzeUncached(text, opts);
  clearTraceCache();
  const before = { ...traceCacheStats };
  assertSameAnalysis(analyze(text, opts), uncached, text, `${what} (recorded)`);
  const recorded = traceCacheStats.recorded - before.recorded;
  assertSameAnalysis(analyze(text, opts), uncached, text, `${what} (replayed)`);
  return { hits: traceCacheStats.hits - before.hits, recorded };
}

describe('the trace cache gives the analysis tracing gives', () => {
  it('every application variant and refused argument combination of the goldens', () => {
    const missed: string[] = [];
    for (const g of applicationGoldens()) {
      for (const code of [...Object.values(g.variants).map((v) => v.code), ...g.errors.map((e) => e.code)]) {
        const { hits } = check(sourceFor(code), code);
        // input_tensor=<a tensor> is not a fully known argument: traced every time.
        if (hits === 0 && !/input_tensor=keras\./.test(code)) missed.push(code);
      }
    }
    assert.deepEqual(missed, []);
  });

  it('two backbones in one file, the second replayed with the counters as they are then', () => {
    const text = `import keras
a = keras.applications.ResNet50V2(weights=None, include_top=False, input_shape=(64, 64, 3))
x = keras.layers.MaxPooling2D()(a.output)
y = keras.layers.Conv2D(4, 1)(x)
b = keras.applications.ResNet50V2(weights=None, include_top=False, input_shape=(64, 64, 3))
c = keras.applications.MobileNetV2(weights=None, include_top=False, input_shape=(96, 96, 3), alpha=0.35)
d = keras.applications.MobileNetV2(weights=None, include_top=False, input_shape=(96, 96, 3), alpha=0.35)
inp = keras.Input((64, 64, 3))
z = keras.layers.Concatenate()([a(inp), b(inp)])
z = keras.layers.Conv2D(8, 1)(z)
m = keras.Model(inp, z)
`;
    const { hits } = check(text, 'two backbones');
    // Recorded: ResNet50V2 and MobileNetV2 once each; replayed: the second of each, then all four.
    assert.equal(hits, 2 + 4);
  });

  it('a frozen backbone, get_layer(...).output, layers after it, and a second copy that stays trainable', () => {
    const text = `import keras
base = keras.applications.EfficientNetB0(include_top=False, weights="imagenet", input_shape=(64, 64, 3))
base.trainable = False
feat = base.get_layer("block6a_expand_activation").output
x = keras.layers.GlobalAveragePooling2D()(feat)
x = keras.layers.Dense(10)(x)
head = keras.Model(base.input, x)
other = keras.applications.EfficientNetB0(include_top=False, weights="imagenet", input_shape=(64, 64, 3))
inputs = keras.Input((64, 64, 3))
y = other(inputs, training=False)
y = keras.layers.Dense(3)(keras.layers.Flatten()(y))
model = keras.Model(inputs, y)
`;
    const { hits } = check(text, 'frozen backbone');
    assert.equal(hits, 1 + 2);
    // Freezing the first copy left the recording alone: the second copy's weights are trainable.
    const other = analyze(text).models.find((m) => m.graph.variable === 'other')!;
    assert.ok(other.totals.trainableParams > other.totals.nonTrainableParams);
  });

  it('called from helper functions, in loops, inside a subclassed model, after clear_session', () => {
    const text = `import keras
from keras import layers


def encoder(size):
    return keras.applications.MobileNet(weights=None, include_top=False, input_shape=(size, size, 3), alpha=0.25)


e1 = encoder(64)
e2 = encoder(64)
for i in range(2):
    v = keras.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
keras.backend.clear_session()
e3 = encoder(64)


class Wrapped(keras.Model):
    def __init__(self):
        super().__init__()
        self.base = keras.applications.MobileNet(weights=None, include_top=False, input_shape=(64, 64, 3), alpha=0.25)
        self.head = layers.Dense(2)

    def call(self, x):
        return self.head(layers.GlobalAveragePooling2D()(self.base(x)))


w = Wrapped()
w.build((None, 64, 64, 3))
`;
    const { hits } = check(text, 'helpers, loops, subclassed');
    assert.ok(hits >= 4, `hits ${hits}`);
  });

  it('options and budgets: an input shape given, and a step budget the replay would pass (traced instead)', () => {
    const text = 'import keras\nb = keras.applications.ResNet50(weights=None, include_top=False, input_shape=(None, None, 3))\nc = keras.applications.ResNet50(weights=None, include_top=False, input_shape=(None, None, 3))\n';
    check(text, 'input shape option', { defaultInputShape: [64, 64, 3] });
    const steps = analyzeUncached(text, { limits: LIMITS }).steps;
    // The first backbone fits its unit's share; at these budgets the second does not, or only just.
    for (const maxSteps of [Math.floor(steps * 0.9), Math.floor(steps * 1.2), steps * 2, steps * 4]) check(text, `maxSteps ${maxSteps}`, { limits: { maxSteps } });
    // Arguments not fully known are traced every time.
    const unknownArgs = 'import keras\nimport sys\nb = keras.applications.MobileNet(weights=None, alpha=ALPHA, include_top=False, input_shape=(64, 64, 3))\nkw = dict(weights=None)\nc = keras.applications.MobileNet(**kw)\n';
    assert.equal(check(unknownArgs, 'unknown arguments').hits, 1);
  });

  it('a replayed backbone lowers to the same ONNX model (its shared, frozen configs and shapes are only read)', () => {
    const text = `import keras
base = keras.applications.MobileNetV2(include_top=False, weights=None, input_shape=(64, 64, 3), alpha=0.35)
base.trainable = False
inputs = keras.Input((64, 64, 3))
x = keras.layers.GlobalAveragePooling2D()(base(inputs))
model = keras.Model(inputs, keras.layers.Dense(4)(x))
`;
    const lower = (a: ReturnType<typeof analyze>) => a.models.map((m) => Buffer.from(lowerModel(m.graph, new RecordingWeights(3), { exposeLayers: ['block_3_expand_relu'] }).bytes).toString('base64'));
    const uncached = lower(analyzeUncached(text));
    clearTraceCache();
    analyze(text);
    const before = traceCacheStats.hits;
    assert.deepEqual(lower(analyze(text)), uncached);
    assert.equal(traceCacheStats.hits, before + 1);
  });

  it('one application of each definition module replays in a file of other layers (one recording each)', () => {
    for (const app of ['VGG16', 'ResNet50V2', 'Xception', 'DenseNet121', 'InceptionV3', 'InceptionResNetV2', 'NASNetMobile', 'MobileNet', 'MobileNetV2', 'EfficientNetB0', 'EfficientNetV2B0', 'ConvNeXtTiny', 'MobileNetV3Small']) {
      assert.ok(applicationNames().includes(app), app);
      const text = `import keras\nx = keras.layers.Add()\nbase = keras.applications.${app}(weights=None)\ny = keras.layers.Dense(3)(base.output)\nm = keras.Model(base.input, y)\nagain = keras.applications.${app}(weights=None)\n`;
      const { hits, recorded } = check(text, app);
      assert.deepEqual({ app, hits, recorded }, { app, hits: 3, recorded: 1 });
    }
  });
});

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TRANSFER = `import keras
from keras import layers

base = keras.applications.ResNet50(include_top=False, weights="imagenet", input_shape=(96, 96, 3))
base.trainable = False
skip = base.get_layer("conv3_block4_out").output
x = layers.Conv2D(64, 3, padding="same")(base.output)
x = layers.UpSampling2D(4)(x)
x = layers.Concatenate()([x, skip])
x = layers.Conv2D(21, 1)(x)
model = keras.Model(base.input, x)
second = keras.applications.MobileNetV3Small(input_shape=(96, 96, 3), include_top=False, weights=None)
y = layers.GlobalAveragePooling2D()(second.output)
`;

describe('random edits: an editor session with the cache is the same as tracing afresh', () => {
  const files = [['transfer', TRANSFER], ...['xception.py', 'deeplab_aspp.py', 'unet.py', 'subclassed_resnet.py'].map((f) => [f, example(f)])];
  for (const [name, original] of files) {
    it(name, () => {
      const next = random(name.length * 7919);
      const session = new DocumentSession({ limits: LIMITS });
      let text = original;
      session.update(text, 0);
      for (let version = 1; version <= 25; version++) {
        // Mostly small typing edits; now and then a digit changed anywhere (backbone arguments too).
        const at = Math.floor(next() * text.length);
        const digits = [...text.matchAll(/\d/g)].map((m) => m.index!);
        const edit = next() < 0.4 && digits.length
          ? (() => { const d = digits[Math.floor(next() * digits.length)]; return { from: d, to: d + 1, insert: String(Math.floor(next() * 10)) }; })()
          : next() < 0.5 ? { from: at, to: at, insert: ' x1(,\n'[Math.floor(next() * 6)] } : { from: at, to: Math.min(text.length, at + 1), insert: '' };
        text = text.slice(0, edit.from) + edit.insert + text.slice(edit.to);
        const cached = session.update(text, version, [edit]);
        assertSameAnalysis(cached, analyzeUncached(text, { limits: LIMITS }), text, `${name} after edit ${version} ${JSON.stringify(edit)}`);
      }
    });
  }
});

describe('the corpus of real Keras code (when present): the same with the cache, cold and warm', () => {
  it('every file', () => {
    const files = loadCorpus();
    let hits = 0;
    for (const file of files) {
      const before = traceCacheStats.hits;
      const uncached = analyzeUncached(file.text, { limits: LIMITS });
      clearTraceCache();
      assertSameAnalysis(analyze(file.text, { limits: LIMITS }), uncached, file.text, `${file.entry.file} (recorded)`);
      assertSameAnalysis(analyze(file.text, { limits: LIMITS }), uncached, file.text, `${file.entry.file} (replayed)`);
      hits += traceCacheStats.hits - before;
    }
    console.log(`corpus: ${files.length} files, ${hits} backbone calls replayed`);
  });
});
