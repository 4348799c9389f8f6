"""Writes test/goldens/savings/manifest.json with real Keras 3 (JAX backend): for a Conv2D, the params
Keras counts for it and for the cheaper stacks ConvLens proposes in its place (SeparableConv2D, and
DepthwiseConv2D followed by a 1x1 Conv2D, each with the conv's window and use_bias), and, for 'valid'
padding, the multiply-accumulates XLA counts for each stack built without biases (its cost analysis'
flops / 2). XLA counts only the taps that land inside the input: with 'valid' padding that is every tap,
which is what ConvLens counts; with 'same' padding it is fewer, so no MACs are written there.

Usage: KERAS_BACKEND=jax .keras-oracle/bin/python scripts/goldens/make_savings_goldens.py
"""

import json
import os
import sys

if os.environ.get("KERAS_BACKEND") != "jax":
    sys.exit("run with KERAS_BACKEND=jax")

import jax  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "goldens", "savings")

# (input shape without batch, Conv2D keyword arguments)
CASES = [
    ((56, 56, 128), {"filters": 256, "kernel_size": 3, "padding": "same"}),
    ((56, 56, 128), {"filters": 256, "kernel_size": 3}),
    ((33, 31, 24), {"filters": 40, "kernel_size": 5, "strides": 2}),
    ((40, 40, 16), {"filters": 32, "kernel_size": 3, "dilation_rate": 2, "use_bias": False}),
]


def stacks(conv):
    window = {k: v for k, v in conv.items() if k != "filters"}
    bias = conv.get("use_bias", True)
    return {
        "Conv2D": lambda b: [keras.layers.Conv2D(**{**conv, "use_bias": b})],
        "SeparableConv2D": lambda b: [keras.layers.SeparableConv2D(**{**conv, "use_bias": b})],
        "DepthwiseConv2D+Conv2D": lambda b: [
            keras.layers.DepthwiseConv2D(**{**window, "use_bias": b}),
            keras.layers.Conv2D(conv["filters"], 1, use_bias=b),
        ],
    }, bias


def model_of(layers, shape):
    x = keras.Input(shape, batch_size=1)
    y = x
    for layer in layers:
        y = layer(y)
    return keras.Model(x, y)


def macs(layers, shape):
    model = model_of(layers, shape)
    compiled = jax.jit(lambda v: model(v)).lower(np.zeros((1,) + shape, "float32")).compile()
    analysis = compiled.cost_analysis()
    analysis = analysis[0] if isinstance(analysis, list) else analysis
    return int(analysis["flops"]) // 2


cases = []
for shape, conv in CASES:
    built, bias = stacks(conv)
    record = {"input_shape": list(shape), "conv": conv, "params": {}, "macs": {} if conv.get("padding", "valid") == "valid" else None}
    for kind, make in built.items():
        record["params"][kind] = model_of(make(bias), shape).count_params()
        if record["macs"] is not None:
            record["macs"][kind] = macs(make(False), shape)
    cases.append(record)

os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "manifest.json"), "w") as f:
    json.dump({"keras": keras.__version__, "backend": keras.backend.backend(), "jax": jax.__version__, "cases": cases}, f, indent=1)
    f.write("\n")
print(f"{len(cases)} cases -> {OUT}")
