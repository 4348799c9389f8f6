"""Writes test/goldens/tensor_functions/manifest.json with real Keras 3 (JAX backend): for each case,
a functional model whose output is one tensor function applied to Keras inputs, and what Keras
records: every operation's name and class (the automatic names come from the same counters as
layers) and the output shape.

Usage: KERAS_BACKEND=jax .keras-oracle/bin/python scripts/goldens/make_tensor_function_goldens.py
"""

import json
import os
import sys

if os.environ.get("KERAS_BACKEND") != "jax":
    sys.exit("run with KERAS_BACKEND=jax")

import keras  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "goldens", "tensor_functions")

# (case name, input shape without batch, expression of `x` (and `y`, a second input of the same shape))
CASES = [
    ("ops.nn.relu", (8, 8, 3), "keras.ops.nn.relu(x)"),
    ("ops.relu", (8, 8, 3), "keras.ops.relu(x)"),
    ("activations.swish", (8, 8, 3), "keras.activations.swish(x)"),
    ("ops.sigmoid then a layer", (8, 8, 3), "keras.layers.Activation('relu')(keras.ops.sigmoid(x))"),
    ("ops.square", (8, 8, 3), "keras.ops.square(x)"),
    ("ops.sqrt", (8, 8, 3), "keras.ops.sqrt(x)"),
    ("ops.exp", (8, 8, 3), "keras.ops.exp(x)"),
    ("ops.log", (8, 8, 3), "keras.ops.log(x)"),
    ("ops.cast", (8, 8, 3), "keras.ops.cast(x, 'float16')"),
    ("ops.reshape -1 first", (8, 8, 3), "keras.ops.reshape(x, (-1, 64, 3))"),
    ("ops.reshape flat", (8, 8, 3), "keras.ops.reshape(x, (-1, 192))"),
    ("ops.concatenate last axis", (8, 8, 3), "keras.ops.concatenate([x, y], axis=-1)"),
    ("ops.concatenate default axis", (8, 8, 3), "keras.ops.concatenate([x, y])"),
    ("ops.stack", (8, 8, 3), "keras.ops.stack([x, y], axis=1)"),
    ("ops.mean spatial", (8, 8, 3), "keras.ops.mean(x, axis=[1, 2])"),
    ("ops.mean keepdims", (8, 8, 3), "keras.ops.mean(x, axis=-1, keepdims=True)"),
    ("ops.sum all", (8, 8, 3), "keras.ops.sum(x)"),
    ("ops.sum keepdims positional", (10,), "keras.ops.sum(keras.ops.square(x - y), axis=1, keepdims=True)"),
    ("ops.max axis", (8, 8, 3), "keras.ops.max(x, axis=1)"),
    ("ops.argmax", (8, 8, 3), "keras.ops.argmax(x, axis=-1)"),
    ("ops.image.resize", (8, 8, 3), "keras.ops.image.resize(x, (16, 12))"),
    ("ops.expand_dims", (8, 8, 3), "keras.ops.expand_dims(x, 1)"),
    ("ops.squeeze", (8, 8, 1), "keras.ops.squeeze(x, axis=-1)"),
    ("ops.transpose", (8, 6, 3), "keras.ops.transpose(x, (0, 3, 1, 2))"),
    ("ops.maximum with a number", (8, 8, 3), "keras.ops.maximum(x, 0.5)"),
    ("ops.add", (8, 8, 3), "keras.ops.add(x, y)"),
    ("ops.multiply broadcast", (8, 8, 3), "keras.ops.multiply(x, keras.ops.mean(y, axis=-1, keepdims=True))"),
    ("ops.depth_to_space", (8, 8, 12), "keras.ops.depth_to_space(x, 2)"),
    ("ops.space_to_depth", (8, 8, 12), "keras.ops.space_to_depth(x, 2)"),
    ("ops.maximum then Maximum layer", (4,), "keras.layers.Maximum()([keras.ops.maximum(x, y), y])"),
    ("a random draw broadcast", (4,), "x + keras.random.normal(shape=(1, 4))"),
    ("a random draw of the input's shape", (3, 4), "x * keras.random.uniform(shape=(1,) + tuple(x.shape[1:]))"),
    ("resnet50.preprocess_input", (8, 8, 3), "keras.applications.resnet50.preprocess_input(x)"),
    ("vgg16.preprocess_input", (8, 8, 3), "keras.applications.vgg16.preprocess_input(x)"),
    ("mobilenet_v2.preprocess_input", (8, 8, 3), "keras.applications.mobilenet_v2.preprocess_input(x)"),
    ("inception_v3.preprocess_input", (8, 8, 3), "keras.applications.inception_v3.preprocess_input(x)"),
    ("densenet.preprocess_input", (8, 8, 3), "keras.applications.densenet.preprocess_input(x)"),
    ("efficientnet.preprocess_input then a layer", (8, 8, 3), "keras.layers.Conv2D(4, 3)(keras.applications.efficientnet.preprocess_input(x))"),
    ("preprocess_input then an Add layer", (8, 8, 3), "keras.layers.Add()([keras.applications.resnet50.preprocess_input(x), y])"),
]


def case(name, shape, expression):
    keras.backend.clear_session()
    x = keras.Input(shape)
    y = keras.Input(shape)
    out = eval(expression, {"keras": keras, "x": x, "y": y})
    used = [t for t in (x, y) if t is out or any(t is s for s in keras.src.ops.operation_utils.get_source_inputs(out))]
    model = keras.Model(used, out)
    return {
        "name": name,
        "input_shape": list(shape),
        "expression": expression,
        "output_shape": list(out.shape),
        # Model.operations: the InputLayers first, then each operation and layer in Keras' order.
        "operations": [{"name": op.name, "class_name": op.__class__.__name__} for op in model.operations if op.__class__.__name__ != "InputLayer"],
    }


os.makedirs(OUT, exist_ok=True)
manifest = {"keras": keras.__version__, "backend": keras.backend.backend(), "cases": [case(*c) for c in CASES]}
with open(os.path.join(OUT, "manifest.json"), "w") as f:
    json.dump(manifest, f, indent=1)
    f.write("\n")
print(f"{len(CASES)} cases -> {OUT}")
