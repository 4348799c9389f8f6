"""Writes test/goldens/nesting/cases.json with real Keras 3 (JAX backend): models nested in models
that are themselves nested, a custom layer holding a Sequential, and a keras.applications backbone
under a new head, each listed as Keras lists them: `model.layers` recursively (name, class, output
shape, params; a nested model's own `layers` beneath it, a nested Functional's InputLayer first).

Usage: KERAS_BACKEND=jax .keras-oracle/bin/python scripts/goldens/make_nesting_goldens.py
"""

import json
import os
import sys

if os.environ.get("KERAS_BACKEND") != "jax":
    sys.exit("run with KERAS_BACKEND=jax")

import keras  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "goldens", "nesting")

CASES = {
    "sequential_in_functional_in_functional": """import keras
from keras import layers

inner = keras.Sequential([layers.Dense(4, name="d")], name="inner")
mid_in = keras.Input((8,))
mid = keras.Model(mid_in, layers.Dense(3, name="e")(inner(mid_in)), name="mid")
x = keras.Input((8,))
outer = keras.Model(x, layers.Dense(2, name="head")(mid(x)), name="outer")
""",
    "three_levels_of_sequential": """import keras
from keras import layers

block = keras.Sequential([layers.Conv2D(4, 3, padding="same", name="c1"), layers.ReLU(name="r1")], name="block")
stage = keras.Sequential([block, layers.MaxPooling2D(name="pool")], name="stage")
x = keras.Input((16, 16, 3))
y = stage(x)
y = layers.GlobalAveragePooling2D(name="gap")(y)
outer = keras.Model(x, layers.Dense(5, name="head")(y), name="outer")
""",
    "custom_layer_in_nested_model": """import keras
from keras import layers


class Stem(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.body = keras.Sequential([layers.Conv2D(8, 3, name="sc"), layers.BatchNormalization(name="sbn")], name="stem_body")

    def call(self, x):
        return self.body(x)


bin_ = keras.Input((20, 20, 3))
backbone = keras.Model(bin_, layers.Conv2D(4, 1, name="proj")(Stem(name="stem")(bin_)), name="backbone")
x = keras.Input((20, 20, 3))
outer = keras.Model(x, layers.Flatten(name="flat")(backbone(x)), name="outer")
""",
    "backbone_under_a_new_head": """import keras
from keras import layers

base = keras.applications.MobileNetV2(include_top=False, weights=None, input_shape=(224, 224, 3))
inputs = keras.Input((224, 224, 3))
x = base(inputs)
x = layers.GlobalAveragePooling2D()(x)
outer = keras.Model(inputs, layers.Dense(5)(x), name="outer")
""",
    "nested_model_with_two_inputs": """import keras
from keras import layers

a = keras.Input((8,), name="a")
b = keras.Input((4,), name="b")
h = layers.Dense(4, name="da")(a)
h = layers.Dense(4, name="db")(h)
pair = keras.Model([a, b], layers.Add(name="sum")([h, b]), name="pair")
x = keras.Input((8,))
y = keras.Input((4,))
outer = keras.Model([x, y], layers.Dense(1, name="head")(pair([x, y])), name="outer")
""",
    "sequential_with_input_in_functional": """import keras
from keras import layers

seq = keras.Sequential([keras.Input((6,)), layers.Dense(3, name="s1"), layers.Dense(2, name="s2")], name="seq")
x = keras.Input((6,))
outer = keras.Model(x, layers.Dense(1, name="head")(seq(x)), name="outer")
""",
    "functional_in_sequential": """import keras
from keras import layers

i = keras.Input((10,))
enc = keras.Model(i, layers.Dense(4, name="enc_d")(i), name="enc")
outer = keras.Sequential([keras.Input((10,)), enc, layers.Dense(2, name="head")], name="outer")
""",
    "nested_model_applied_twice": """import keras
from keras import layers

i = keras.Input((16, 16, 3))
twin = keras.Model(i, layers.Conv2D(4, 3, padding="same", name="tc")(i), name="twin")
a = keras.Input((16, 16, 3))
b = keras.Input((16, 16, 3))
merged = layers.Concatenate(name="cat")([twin(a), twin(b)])
outer = keras.Model([a, b], layers.Conv2D(2, 1, name="head")(merged), name="outer")
""",
    "subclassed_model_in_functional": """import keras
from keras import layers


class Head(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.proj = layers.Dense(6, name="proj")
        self.inner = keras.Sequential([layers.Dense(3, name="hd")], name="head_seq")

    def call(self, x):
        return self.inner(self.proj(x))


x = keras.Input((5,))
outer = keras.Model(x, Head(name="head")(x), name="outer")
""",
    "dynamic_nested_model_on_a_fixed_input": """import keras
from keras import layers

i = keras.Input((None, None, 3))
enc = keras.Model(i, layers.Conv2D(4, 3, name="ec")(i), name="enc")
x = keras.Input((16, 16, 3))
outer = keras.Model(x, layers.Flatten(name="flat")(enc(x)), name="outer")
""",
}

# The real-editor tests' transfer-learning file, whose outermost model is `model`.
FILE_CASES = {"e2e_transfer_fixture": ("test/e2e/fixtures/transfer.py", "model")}


def listing(layer_list):
    rows = []
    for layer in layer_list:
        # The shape model.summary() prints: the output of the layer's last call that Keras recorded.
        # A nested model's is its call in this model; a layer inside it has only the call made when
        # its own model was built (applying a model records no calls of its layers); a layer called
        # only inside a subclassed model's `call` has none (null).
        nodes = layer._inbound_nodes
        shape = list(nodes[-1].output_tensors[0].shape) if nodes else None
        row = {"name": layer.name, "class": type(layer).__name__, "output_shape": shape, "params": int(layer.count_params())}
        inner = getattr(layer, "layers", None)
        if isinstance(inner, list) and inner:
            row["layers"] = listing(inner)
        rows.append(row)
    return rows


def main():
    out = {}
    cases = {name: (source, "outer") for name, source in CASES.items()}
    for name, (path, variable) in FILE_CASES.items():
        with open(os.path.join(ROOT, path)) as f:
            cases[name] = (f.read(), variable)
    for name, (source, variable) in cases.items():
        keras.backend.clear_session()
        scope = {}
        exec(compile(source, name, "exec"), scope)
        model = scope[variable]
        out[name] = {"source": source, "model": model.name, "params": int(model.count_params()), "layers": listing(model.layers)}
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump({"keras": keras.__version__, "backend": keras.backend.backend(), "cases": out}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
