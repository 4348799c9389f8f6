/**
 * keras.applications against real Keras 3.15: every golden in test/goldens/applications/ (written
 * by scripts/goldens/make_application_goldens.py) layer by layer: names, classes, output shapes,
 * trainable and non-trainable parameters, the model's name and totals, and the errors Keras raises.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';
import { applicationFor } from '../../kernels/applications';
import { analysisToJson } from '../../extension/engine/report/json';
import { applicationGoldens, compareError, compareVariant, sourceFor, type GoldenRow } from '../support/application_goldens';
import { model } from '../support/analyze';

const results: string[] = [];

/**
 * Errors ConvLens words differently from Keras 3.15, with why. The rank check every layer kind
 * shares (kernels/shape.ts) still uses the wording of earlier Keras ("Input 0 of layer ...
 * expected ndim=4"), where 3.15 says "Input 0 with name 'None' of layer ... expected min_ndim=4".
 */
const WORDED_DIFFERENTLY: Record<string, RegExp> = {
  "keras.applications.MobileNetV3Small(weights=None, input_shape=(224, 224))": /^Input 0 of layer "conv" is incompatible with the layer: expected ndim=4, found ndim=3/,
  "keras.applications.MobileNetV3Large(weights=None, input_shape=(224, 224))": /^Input 0 of layer "conv" is incompatible with the layer: expected ndim=4, found ndim=3/,
};

describe('keras.applications match Keras layer by layer', () => {
  for (const g of applicationGoldens()) {
    const traced = !!applicationFor(g.application);
    describe(g.application, () => {
      for (const [variant, v] of Object.entries(g.variants)) {
        it(`${variant}: ${v.code}`, { skip: traced ? false : 'not defined yet' }, () => {
          const c = compareVariant(v);
          results.push(`${g.application.padEnd(18)} ${variant.padEnd(10)} ${c.diffs.length ? 'DIFF' : 'same as Keras'}  ${String(v.layers.length).padStart(5)} layers  ${c.millis.toFixed(0).padStart(5)} ms`);
          assert.deepEqual(c.diffs, []);
        });
      }
      it('errors for bad argument combinations', { skip: traced ? false : 'not defined yet' }, () => {
        const wrong = g.errors.map((e) => ({ ...e, ...compareError(e) })).filter((r) => !r.ok && !(r.got && WORDED_DIFFERENTLY[r.code]?.test(r.got)));
        assert.deepEqual(wrong.map((r) => `${r.code}: ConvLens ${r.got}, Keras ${r.error}`), []);
      });
    });
  }
  after(() => console.log(`\n${results.join('\n')}\n`));
});

type JsonEntry = { name: string; type: string; operation?: true; outputShape: unknown; trainableParams: number | null; nonTrainableParams: number | null; layers?: JsonEntry[] };

/** `analyze --json` entries as golden rows, level by level (operations are not in Keras' `layers`). */
function jsonRows(entries: JsonEntry[]): GoldenRow[] {
  return entries.filter((e) => !e.operation).map((e): GoldenRow => {
    const row: GoldenRow = [e.name, e.type, e.outputShape as GoldenRow[2], e.trainableParams ?? -1, e.nonTrainableParams ?? -1];
    if (e.layers) row.push(jsonRows(e.layers));
    return row;
  });
}

const jsonModels = (source: string) => (analysisToJson('f.py', source, analyze(source, { limits: { maxMillis: 60_000 } })) as unknown as { models: { name: string; layers: JsonEntry[] }[] }).models;

describe('convlens analyze --json lists keras.applications as Keras lists them', () => {
  const defaults = applicationGoldens().filter((g) => applicationFor(g.application)).map((g) => ({ application: g.application, v: g.variants.default }));

  it('a file holding only ResNet50(weights=None): one model named as Keras names it, whose layers are Keras\' model.layers', () => {
    const v = defaults.find((d) => d.application === 'ResNet50')!.v;
    const models = jsonModels(sourceFor(v.code));
    assert.deepEqual(models.map((m) => m.name), ['resnet50']);
    assert.equal(models[0].layers[0].type, 'InputLayer');
    assert.deepEqual(jsonRows(models[0].layers), v.layers);
  });

  for (const { application, v } of defaults) {
    it(`${application} under a parent: one "Functional" entry whose own layers are Keras' ${v.name}.layers`, () => {
      const shape = (v.input as (number | null)[]).slice(1).map((d) => (d === null ? 'None' : d));
      const source = `import keras\nbase = ${v.code}\ninputs = keras.Input((${shape.join(', ')},))\nouter = keras.Model(inputs, base(inputs), name="outer")\n`;
      const outer = jsonModels(source).find((m) => m.name === 'outer')!;
      const rows = jsonRows(outer.layers);
      assert.deepEqual(rows.map((r) => r[1]), ['InputLayer', 'Functional']);
      assert.equal(rows[1][0], v.name);
      assert.deepEqual(rows[1][5], v.layers);
    });
  }
});

describe('keras.applications in a model', () => {
  it('a file holding only ResNet50(weights=None) is one model named as Keras names it', () => {
    const a = analyze('import keras\nmodel = keras.applications.ResNet50(weights=None)\n');
    const m = model(a);
    assert.equal(m.graph.name, 'resnet50');
    assert.equal(m.graph.variable, 'model');
    assert.equal(m.layers.length, 177);
    assert.deepEqual(m.graph.outputs[0].shape, [null, 1000]);
    // No savings or receptive-field advice on layers the user did not write.
    assert.deepEqual(a.diagnostics, []);
  });

  it('every way of naming it: keras, tf.keras, submodules, from-imports', () => {
    const calls = [
      'import keras\nm = keras.applications.ResNet50(weights=None)',
      'import keras\nm = keras.applications.resnet50.ResNet50(weights=None)',
      'import keras\nm = keras.applications.resnet.ResNet50(weights=None)',
      'import tensorflow as tf\nm = tf.keras.applications.ResNet50(weights=None)',
      'from tensorflow.keras.applications import ResNet50\nm = ResNet50(weights=None)',
      'from keras.applications.resnet50 import ResNet50 as R\nm = R(weights=None)',
      'from keras import applications\nm = applications.ResNet50(weights=None)',
    ];
    for (const text of calls) {
      const m = model(analyze(text));
      assert.equal(m.graph.name, 'resnet50', text);
      assert.equal(m.layers.length, 177, text);
    }
  });

  it('weights="imagenet" (or a file) does not stop the analysis', () => {
    for (const w of ['"imagenet"', '"my_weights.h5"', 'None', 'WEIGHTS']) {
      const m = model(analyze(`import keras\nm = keras.applications.VGG16(weights=${w}, include_top=False, input_shape=(64, 64, 3))\n`));
      assert.deepEqual(m.graph.outputs[0].shape, [null, 2, 2, 512], w);
    }
  });

  it('a frozen MobileNetV2 under a new head: Keras counts 2,264,389 params, 6,405 trainable', () => {
    // Real Keras 3.15 (scratch check with the oracle): Functional, 6405 trainable + 2257984 non-trainable.
    const text = `import keras
base = keras.applications.MobileNetV2(include_top=False, weights="imagenet", input_shape=(224, 224, 3))
base.trainable = False
inputs = keras.Input((224, 224, 3))
x = base(inputs, training=False)
x = keras.layers.GlobalAveragePooling2D()(x)
outputs = keras.layers.Dense(5)(x)
model = keras.Model(inputs, outputs)
`;
    const a = analyze(text);
    const head = model(a, 'functional');
    assert.deepEqual(head.graph.outputs[0].shape, [null, 5]);
    assert.equal(head.totals.params, 2_264_389);
    assert.equal(head.totals.trainableParams, 6_405);
    assert.equal(head.totals.nonTrainableParams, 2_257_984);
    assert.equal(head.graph.calls[0].layer.name, 'input_layer_1');
    const backbone = model(a, 'mobilenetv2_1.00_224');
    assert.equal(backbone.totals.trainableParams, 0);
    assert.deepEqual(backbone.graph.outputs[0].shape, [null, 7, 7, 1280]);
  });

  it('automatic names after a backbone continue from the counters Keras used (operations and nested Sequential inputs too)', () => {
    // Real Keras 3.15: ['input_layer_5', 'add_18', 'multiply'], then multiply_10 add_28 re_lu_14 activation_19.
    const text = `import keras
m = keras.applications.ConvNeXtTiny(weights=None)
i = keras.Input((8, 8, 3))
y = keras.layers.Add()([i, i])
z = keras.layers.Multiply()([i, i])
n = keras.Model(i, [y, z], name="after")
m2 = keras.applications.MobileNetV3Small(weights=None)
j = keras.Input((8, 8, 3))
a = keras.layers.Multiply()([j, j])
b = keras.layers.Add()([a, j])
c = keras.layers.ReLU()(b)
d = keras.layers.Activation("relu")(c)
last = keras.Model(j, d, name="last")
`;
    const a = analyze(text);
    assert.deepEqual(model(a, 'after').layers.map((l) => l.layer.name), ['input_layer_5', 'add_18', 'multiply']);
    assert.deepEqual(model(a, 'last').layers.slice(1).map((l) => l.layer.name), ['multiply_10', 'add_28', 're_lu_14', 'activation_19']);
  });

  it('arguments it does not take are the TypeError Python raises', () => {
    const a = analyze('import keras\nm = keras.applications.ResNet50(weights=None, alpha=0.5)\n');
    assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), ["ResNet50() got an unexpected keyword argument 'alpha'"]);
  });

  it('the backbone used in a functional model: get_layer, .output, .input and its layers', () => {
    const text = `import keras
base = keras.applications.ResNet50(weights=None, include_top=False, input_shape=(128, 128, 3))
feat = base.get_layer("conv4_block6_out").output
x = keras.layers.GlobalAveragePooling2D()(feat)
y = keras.layers.Dense(3)(x)
model = keras.Model(base.input, y)
last = base.layers[-1].name
`;
    const a = analyze(text);
    const m = model(a, 'functional');
    assert.deepEqual(m.graph.outputs[0].shape, [null, 3]);
    assert.equal(m.layers[m.layers.length - 3].layer.name, 'conv4_block6_out');
    assert.equal(m.totals.params, 8_589_184 + 1024 * 3 + 3);
  });

  it('.layers[i] and get_layer(index=i) count as Keras does: a Functional lists its InputLayer, operations are not layers', () => {
    // Real Keras 3.15: layers[0] input_layer, layers[1] conv1_pad, layers[-1] predictions; ConvNeXt's x + block(x) are not layers.
    const text = `import keras
base = keras.applications.ResNet50(weights=None)
x = keras.layers.Dense(base.layers[1].output.shape[1] + len(base.layers))(base.get_layer(index=0).output)
first = keras.Model(base.input, x, name="first")
c = keras.applications.ConvNeXtTiny(weights=None, include_top=False, input_shape=(64, 64, 3))
y = keras.layers.Dense(len(c.layers))(c.output)
second = keras.Model(c.input, y, name="second")
`;
    const a = analyze(text);
    assert.deepEqual(model(a, 'first').graph.outputs[0].shape, [null, 224, 224, 230 + 177]);
    assert.deepEqual(model(a, 'second').graph.outputs[0].shape, [null, 2, 2, 133]);
  });
});
