/** The tracer over the Python people write to build models. Nothing here runs Python. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';
import { layer, model } from '../support/analyze';

function outShape(text: string, name?: string) {
  return model(analyze(text), name).graph.outputs[0]?.shape ?? null;
}

function names(text: string): string[] {
  return model(analyze(text)).layers.map((l) => l.layer.name);
}

describe('imports and aliases', () => {
  const variants = [
    'import keras\nL = keras.layers\nx = keras.Input((8, 8, 3))\ny = L.Conv2D(4, 3)(x)\nm = keras.Model(x, y)',
    'from keras import layers as L, Input, Model\nx = Input((8, 8, 3))\ny = L.Conv2D(4, 3)(x)\nm = Model(inputs=x, outputs=y)',
    'import tensorflow as tf\nx = tf.keras.Input(shape=(8, 8, 3))\ny = tf.keras.layers.Conv2D(4, 3)(x)\nm = tf.keras.Model(x, y)',
    'from tensorflow import keras\nx = keras.layers.Input((8, 8, 3))\ny = keras.layers.Conv2D(4, 3)(x)\nm = keras.models.Model(x, y)',
    'from tensorflow.keras.layers import Conv2D, Input\nfrom tensorflow.keras.models import Model\nx = Input((8, 8, 3))\ny = Conv2D(4, 3)(x)\nm = Model(x, y)',
    'import keras.layers as KL\nimport keras\nx = KL.Input((8, 8, 3))\ny = KL.Conv2D(4, 3)(x)\nm = keras.Model(x, y)',
    // Keras Core, Keras 3's predecessor, under its own module name.
    'import keras_core as keras\nx = keras.Input((8, 8, 3))\ny = keras.layers.Conv2D(4, 3)(x)\nm = keras.Model(x, y)',
    'from keras_core import layers, Model\nfrom keras_core.layers import Input\nx = Input((8, 8, 3))\ny = layers.Conv2D(4, 3)(x)\nm = Model(x, y)',
  ];
  variants.forEach((text, i) => it(`variant ${i + 1}`, () => assert.deepEqual(outShape(text), [null, 6, 6, 4])));
});

describe('Python values', () => {
  it('a generator as the argument: sum(x for x in xs), max(...), tuple(...)', () => {
    const text = 'import keras\nxs = (1, 2, 3)\na = sum(x * 2 for x in xs if x > 1)\nb = max(x for x in xs)\nc = len(tuple(x for x in range(4)))\nm = keras.Sequential([keras.Input((a, b, c))])\n';
    assert.deepEqual(model(analyze(text)).graph.inputs[0].shape, [null, 10, 3, 4]);
  });

  it('chained comparisons: 0 < x <= 1 is (0 < x) and (x <= 1)', () => {
    const text = 'import keras\nr = 0\nx = 1 if 0 < r <= 1 else 2\ny = 3 if 1 < 2 < 3 == 3 else 4\nz = 5 if 2 > 1 in [0] else 6\nm = keras.Sequential([keras.Input((x, y, z))])\n';
    assert.deepEqual(model(analyze(text)).graph.inputs[0].shape, [null, 2, 3, 6]);
  });

  it('not binds tighter than and / or (the parser reads `not a and b` as `not (a and b)`)', () => {
    const text = 'import keras\nx = not 0 and 5\ny = not 1 or 7\nz = not 0 and 0 or 3\nw = not (1 and 0)\nm = keras.Sequential([keras.Input((x, y, z + w))])\n';
    assert.deepEqual(model(analyze(text)).graph.inputs[0].shape, [null, 5, 7, 4]);
  });

  it('arithmetic, lists, tuples, dicts, indexing, slicing, len, int()', () => {
    const text = `import keras
from keras import layers
cfg = {"widths": [8, 16, 32, 64], "k": 3}
widths = cfg["widths"][1:3] + [cfg["widths"][-1] // 2]
size = int(64 / 2) ** 1
x = inp = keras.Input((size, size, len(widths)))
for w in widths * 2:
    x = layers.Conv2D(w, (cfg["k"], cfg["k"]), padding="same" if w > 16 else "valid")(x)
model = keras.Model(inp, x)
`;
    const m = model(analyze(text));
    assert.deepEqual(m.graph.inputs[0].shape, [null, 32, 32, 3]);
    assert.deepEqual(m.layers.filter((l) => l.layer.type === 'Conv2D').map((l) => l.outputShape![3]), [16, 32, 32, 16, 32, 32]);
    // Two 'valid' 3x3 convs (the width-16 ones) take 4 pixels off.
    assert.deepEqual(m.graph.outputs[0].shape, [null, 28, 28, 32]);
  });

  it('functions with defaults, keyword args, *args, **kwargs and returns', () => {
    const text = `import keras
from keras import layers

def block(x, filters, *extra, kernel=3, **conv_kwargs):
    for f in (filters,) + extra:
        x = layers.Conv2D(f, kernel, **conv_kwargs)(x)
    return x, filters

inputs = keras.Input((32, 32, 3))
y, last = block(inputs, 8, 16, kernel=5, padding="same", strides=2)
model = keras.Model(inputs, layers.Dense(last)(layers.Flatten()(y)))
`;
    const m = model(analyze(text));
    assert.deepEqual(layer(m, 'conv2d_1').outputShape, [null, 8, 8, 16]);
    assert.deepEqual(m.graph.outputs[0].shape, [null, 8]);
  });

  it('recursion, comprehensions, enumerate/zip/reversed/range, while with break', () => {
    const text = `import keras
from keras import layers

def depth(n):
    return 0 if n <= 1 else 1 + depth(n // 2)

stages = [2 ** i for i in range(depth(16))]
pairs = list(zip(stages, reversed(stages)))
x = inp = keras.Input((16, 16, 1))
i = 0
while True:
    if i >= len(pairs):
        break
    a, b = pairs[i]
    x = layers.Conv2D(a * b, 1)(x)
    i += 1
sizes = {k: v for k, v in enumerate(stages)}
model = keras.Model(inp, layers.Dense(sizes[3])(x))
`;
    const m = model(analyze(text));
    assert.equal(m.layers.filter((l) => l.layer.type === 'Conv2D').length, 4);
    assert.deepEqual(m.graph.outputs[0].shape, [null, 16, 16, 8]);
  });

  it('names from f-strings, % formatting and str.format', () => {
    const text = `import keras
from keras import layers
x = inp = keras.Input((8, 8, 3))
for i in range(2):
    x = layers.Conv2D(4, 3, padding="same", name=f"stage{i + 1}_conv{i:02d}")(x)
x = layers.ReLU(name="act_%s_%d" % ("a", 7))(x)
x = layers.Dropout(0.1, name="drop_{}".format(3))(x)
m = keras.Model(inp, x)
`;
    assert.deepEqual(names(text), ['input_layer', 'stage1_conv00', 'stage2_conv01', 'act_a_7', 'drop_3']);
  });

  it('automatic names count per class across the whole file, like a Keras session', () => {
    const text = `import keras
from keras import layers
a = keras.Input((4,))
m1 = keras.Model(a, layers.Dense(2)(layers.Dense(3)(a)))
b = keras.Input((4,))
m2 = keras.Model(b, layers.Dense(2)(b))
`;
    const analysis = analyze(text);
    assert.deepEqual(analysis.models.map((m) => m.graph.name), ['functional', 'functional_1']);
    assert.deepEqual(model(analysis, 'functional_1').layers.map((l) => l.layer.name), ['input_layer_1', 'dense_2']);
    assert.equal(model(analysis, 'functional').graph.variable, 'm1');
  });
});

describe('Sequential', () => {
  it('Keras-2 input_shape on the first layer', () => {
    const text = 'import keras\nfrom keras import layers\nmodel = keras.Sequential([layers.Conv2D(8, 3, input_shape=(28, 28, 1)), layers.MaxPooling2D(), layers.Flatten(), layers.Dense(10)])\n';
    assert.deepEqual(outShape(text), [null, 10]);
    assert.equal(model(analyze(text)).totals.params, 80 + 13 * 13 * 8 * 10 + 10);
  });
  it('Sequential() + add(), with keras.Input first', () => {
    const text = 'import keras\nfrom keras import layers\nmodel = keras.Sequential(name="net")\nmodel.add(keras.Input(shape=(10,)))\nfor units in [32, 16]:\n    model.add(layers.Dense(units, activation="relu"))\nmodel.add(layers.Dense(1))\n';
    const m = model(analyze(text), 'net');
    assert.deepEqual(m.graph.outputs[0].shape, [null, 1]);
    assert.equal(m.totals.params, 10 * 32 + 32 + 32 * 16 + 16 + 16 + 1);
  });
  it('model.build() gives the input shape', () => {
    const text = 'import keras\nfrom keras import layers\nm = keras.Sequential([layers.Dense(4)])\nm.build((None, 3))\n';
    assert.deepEqual(outShape(text), [null, 4]);
  });
  it('no input shape: an info diagnostic, layers listed with unknown shapes', () => {
    const a = analyze('import keras\nfrom keras import layers\nm = keras.Sequential([layers.Dense(4), layers.Dense(2)])\n');
    assert.equal(a.models[0].layers.length, 2);
    assert.ok(a.models[0].layers.every((l) => l.outputShape === null));
    assert.ok(a.diagnostics.some((d) => d.code === 'no-input-shape' && d.severity === 'info'));
  });
  it('a directive comment gives the input shape', () => {
    const text = 'import keras\nfrom keras import layers\n# convlens: input_shape=(32, 32, 3)\nm = keras.Sequential([layers.Conv2D(4, 3), layers.GlobalAveragePooling2D()])\n';
    assert.deepEqual(outShape(text), [null, 4]);
  });
  it('the CLI default input shape applies to models without one', () => {
    const text = 'import keras\nfrom keras import layers\nm = keras.Sequential([layers.Conv2D(4, 3)])\n';
    assert.deepEqual(model(analyze(text, { defaultInputShape: [10, 10, 3] })).graph.outputs[0].shape, [null, 8, 8, 4]);
  });
});

describe('functional API details', () => {
  it('operators on a tensor are Keras operations named as Keras 3.15 names them (x / 2 is true_divide, TrueDivide)', () => {
    const text = 'import keras\nx = keras.Input((8,))\na = x / 2\nc = a - 1\nd = 1 - c\nm = keras.Model(x, d)\n';
    const ops = model(analyze(text)).graph.calls.filter((c) => c.layer.isOperation).map((c) => [c.layer.name, c.layer.type]);
    assert.deepEqual(ops, [['true_divide', 'TrueDivide'], ['subtract', 'Subtract'], ['subtract_1', 'Subtract']]);
  });

  it('a layer object reused on two inputs shares weights (params counted once, MACs twice)', () => {
    const text = `import keras
from keras import layers
a = keras.Input((8, 8, 3))
b = keras.Input((8, 8, 3))
shared = layers.Conv2D(4, 3, name="shared")
m = keras.Model([a, b], layers.add([shared(a), shared(b)]))
`;
    const m = model(analyze(text));
    const s = layer(m, 'shared');
    assert.equal(m.layers.filter((l) => l.layer.name === 'shared').length, 1);
    assert.equal(s.params!.trainable, 3 * 3 * 3 * 4 + 4);
    assert.equal(s.macs, 2 * 6 * 6 * 3 * 3 * 3 * 4);
    assert.deepEqual(s.inbound, ['input_layer', 'input_layer_1']);
  });
  it('reusing a built layer on a different channel count is a Keras error', () => {
    const text = 'import keras\nfrom keras import layers\na = keras.Input((4,))\nb = keras.Input((6,))\nd = layers.Dense(2)\nm = keras.Model([a, b], [d(a), d(b)])\n';
    const errs = analyze(text).diagnostics.filter((d) => d.severity === 'error');
    assert.match(errs[0].message, /expected axis -1 of input shape to have value 4/);
  });
  it('x.shape feeds later layers', () => {
    const text = 'import keras\nfrom keras import layers\nx = keras.Input((8, 8, 12))\ny = layers.Conv2D(x.shape[-1] // 4, 1)(x)\nm = keras.Model(x, y)\n';
    assert.deepEqual(outShape(text), [null, 8, 8, 3]);
  });
  it('an unknown condition analyses both branches and follows the first', () => {
    const text = 'import keras, os\nfrom keras import layers\nx = keras.Input((8,))\nif os.environ.get("BIG"):\n    y = layers.Dense(64)(x)\nelse:\n    y = layers.Dense(8)(x)\nm = keras.Model(x, y)\n';
    const a = analyze(text);
    assert.deepEqual(model(a).graph.outputs[0].shape, [null, 64]);
    assert.ok(a.diagnostics.some((d) => d.code === 'unknown-condition'));
  });
  it('an unknown layer degrades to unknown; the layers after it are still listed', () => {
    const text = 'import keras\nfrom keras import layers\nx = keras.Input((8, 8, 3))\ny = layers.Conv2D(4, 3)(x)\ny = layers.FancyNorm(eps=2)(y)\ny = layers.Conv2D(2, 1)(y)\nm = keras.Model(x, y)\n';
    const a = analyze(text);
    const m = model(a);
    assert.deepEqual(m.layers.map((l) => l.layer.type), ['InputLayer', 'Conv2D', 'FancyNorm', 'Conv2D']);
    assert.deepEqual(layer(m, 'conv2d').outputShape, [null, 6, 6, 4]);
    assert.equal(layer(m, 'conv2d_1').outputShape, null);
    const info = a.diagnostics.find((d) => d.code === 'unknown-layer')!;
    assert.equal(info.severity, 'info');
    assert.equal(text.slice(info.from, info.to), 'layers.FancyNorm(eps=2)');
  });
  it('an unevaluable argument degrades that layer only', () => {
    const text = 'import keras, random\nfrom keras import layers\nx = keras.Input((8, 8, 3))\ny = layers.Conv2D(random.choice([4, 8]), 3)(x)\nz = layers.Conv2D(2, 3)(x)\nm = keras.Model(x, [y, z])\n';
    const a = analyze(text);
    const m = model(a);
    assert.equal(layer(m, 'conv2d').outputShape, null);
    assert.deepEqual(layer(m, 'conv2d_1').outputShape, [null, 6, 6, 2]);
    assert.ok(a.diagnostics.some((d) => d.code === 'unevaluable' && /`filters`/.test(d.message)));
  });
  it('trainable=False moves weights to non-trainable', () => {
    const text = 'import keras\nfrom keras import layers\nx = keras.Input((4,))\nd = layers.Dense(3, trainable=False)\ne = layers.Dense(2)\ne.trainable = False\nm = keras.Model(x, e(d(x)))\n';
    const m = model(analyze(text));
    assert.deepEqual({ t: m.totals.trainableParams, n: m.totals.nonTrainableParams }, { t: 0, n: 15 + 8 });
  });
  it('graph disconnected: an Input not passed to Model', () => {
    const text = 'import keras\nfrom keras import layers\na = keras.Input((4,))\nb = keras.Input((4,))\nm = keras.Model(a, layers.add([a, b]))\n';
    assert.ok(analyze(text).diagnostics.some((d) => d.code === 'keras-graph-disconnected'));
  });
});

describe('subclassed models', () => {
  it('traced when called on keras.Input', () => {
    const text = `import keras
from keras import layers
class Net(keras.Model):
    def __init__(self):
        super().__init__(name="net")
        self.convs = [layers.Conv2D(c, 3, padding="same") for c in (8, 16)]
        self.head = layers.Dense(5)
    def call(self, x):
        for conv in self.convs:
            x = conv(x)
        return self.head(layers.GlobalMaxPooling2D()(x))
net = Net()
out = net(keras.Input((12, 12, 3)))
`;
    const m = model(analyze(text), 'net');
    assert.deepEqual(m.graph.outputs[0].shape, [null, 5]);
    assert.equal(m.graph.variable, 'net');
  });
  it('inheritance: super().__init__ and methods from a user base class', () => {
    const text = `import keras
from keras import layers
class Base(keras.Model):
    def __init__(self, width, **kw):
        super().__init__(**kw)
        self.width = width
    def stem(self, x):
        return layers.Conv2D(self.width, 3)(x)
class Net(Base):
    def __init__(self):
        super().__init__(16, name="child")
    def call(self, x):
        return self.stem(x)
m = Net()
m.build((None, 10, 10, 1))
`;
    assert.deepEqual(outShape(text, 'child'), [null, 8, 8, 16]);
  });
});

describe('a training script around the model, as Python runs it', () => {
  // Python: a script runs with __name__ == "__main__"; evaluate() returns [loss, metric ...], fit() a
  // History, next(iter(...)) a batch: none of it is None, and none of it is worth a diagnostic.
  const text = `import keras
from keras import layers
def build():
    return keras.Sequential([keras.Input((4,)), layers.Dense(2, name="out")], name="net")
if __name__ == "__main__":
    m = build()
    m.compile(loss="mse", metrics=["mae"])
    history = m.fit(data, epochs=1)
    loss, mae = m.evaluate(data)
    x, y = next(iter(data))
    predictions = m.predict(x)
`;
  it('takes the __main__ branch, and data results stay unknown quietly', () => {
    const a = analyze(text);
    assert.equal(model(a, 'net').totals.params, 10);
    const noise = a.diagnostics.filter((d) => ['unknown-condition', 'unpack', 'undefined-name'].includes(d.code) && !d.message.includes('`data`'));
    assert.deepEqual(noise.map((d) => d.message), []);
  });
});

describe('keras.ops on data is not a layer', () => {
  // Real Keras 3.15: three eager ops.concatenate calls on NumPy arrays first, and the model's layers are
  // still ['input_layer', 'concatenate', 'concatenate_1'] (an eager op builds no layer, takes no name).
  it('ops.concatenate on arrays (here unknown data) builds no Concatenate layer and takes no layer name', () => {
    const text = `import keras
from keras import ops, layers
for i in range(3):
    a = ops.concatenate([pairs[i][0], pairs[i][1]], axis=1)
x = keras.Input((4,))
y = layers.Concatenate()([x, x])
z = layers.concatenate([y, y])
m = keras.Model(x, z)
`;
    const a = analyze(text);
    assert.deepEqual(names(text), ['input_layer', 'concatenate', 'concatenate_1']);
    assert.deepEqual(a.diagnostics.filter((d) => d.code === 'unevaluable').map((d) => d.message), []);
  });
});

describe('a Model subclass without call(): a trainer, not a network', () => {
  const trainer = (withCall: boolean) => `import keras
from keras import layers
class GAN(keras.Model):
    def __init__(self, discriminator, generator):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
    def train_step(self, data):
        return {}
${withCall ? '    def call(self, x):\n        return self.discriminator(self.generator(x))\n' : ''}d = keras.Sequential([keras.Input((8,)), layers.Dense(1)], name="d")
g = keras.Sequential([keras.Input((4,)), layers.Dense(8)], name="g")
gan = GAN(d, g)
`;
  it('is not asked for an input shape (its networks are analysed on their own); one with call() still is', () => {
    const noShape = (text: string) => analyze(text).diagnostics.filter((d) => d.code === 'no-input-shape').length;
    assert.equal(noShape(trainer(false)), 0);
    assert.equal(noShape(trainer(true)), 1);
    assert.equal(model(analyze(trainer(false)), 'd').totals.params, 9);
  });
});

describe("Keras' data and file helpers", () => {
  it('plot_model, load_img, get_file, to_categorical of unseen labels ... stay unknown without a note; a Keras function ConvLens does not model still gets one', () => {
    const text = `import keras
from tensorflow.keras.utils import plot_model
x = keras.Input((4,))
m = keras.Model(x, keras.layers.Dense(2)(x))
plot_model(m, to_file="m.png", show_shapes=True)
img = keras.utils.load_img(keras.utils.get_file("cat.jpg", "https://example.com/cat.jpg"))
arr = keras.preprocessing.image.img_to_array(img)
labels = keras.utils.to_categorical(read_labels())
other = keras.models.load_model("other.keras")
`;
    const notes = analyze(text).diagnostics.filter((d) => d.code === 'unsupported').map((d) => d.message);
    assert.deepEqual(notes, ['ConvLens does not model `keras.models.load_model`; its result is unknown.']);
  });
});
