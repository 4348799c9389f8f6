"""Writes test/goldens/conv_layers.json with real Keras 3 (JAX backend).

For each convolution constructor below (Keras' own parametrised test cases from
keras/src/layers/convolutional/*_test.py, and a few more), applied to a keras.Input of the given
batch shape, it records what Keras made of it: the output shape and the trainable params.

`savings` holds plain Conv2D layers with what Keras counts for the cheaper stacks ConvLens proposes
for them: SeparableConv2D with the same arguments, and DepthwiseConv2D + 1x1 Conv2D.

Run: bash scripts/goldens/make_conv_goldens.sh
"""

import json
import os
import sys

if os.environ.get("KERAS_BACKEND") != "jax":
    sys.exit("run with KERAS_BACKEND=jax (use scripts/goldens/make_conv_goldens.sh)")

import keras  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "goldens", "conv_layers.json")

L = "keras.layers."
CASES = [
    # Conv1D / Conv2D (conv_test.py)
    (L + 'Conv1D(filters=5, kernel_size=2, strides=1, padding="valid", dilation_rate=1, groups=1)', [3, 5, 4]),
    (L + 'Conv1D(filters=6, kernel_size=2, strides=1, padding="same", dilation_rate=(2,), groups=2)', [3, 4, 4]),
    (L + 'Conv1D(filters=6, kernel_size=2, strides=1, padding="causal", dilation_rate=(2,), groups=2)', [3, 4, 4]),
    (L + 'Conv1D(filters=6, kernel_size=2, strides=(2,), padding="valid", dilation_rate=1, groups=2)', [3, 5, 4]),
    (L + 'Conv2D(filters=5, kernel_size=2, strides=1, padding="valid", dilation_rate=1, groups=1)', [3, 5, 5, 4]),
    (L + 'Conv2D(filters=6, kernel_size=2, strides=1, padding="same", dilation_rate=(2, 2), groups=2)', [3, 4, 4, 4]),
    (L + 'Conv2D(filters=6, kernel_size=(2, 2), strides=(2, 1), padding="valid", dilation_rate=(1, 1), groups=2)', [3, 5, 5, 4]),
    (L + 'Conv2D(filters=6, kernel_size=3, strides=1, padding="valid")', [None, 5, 5, 4]),
    (L + 'Conv2D(filters=6, kernel_size=2, strides=2, padding="valid", groups=2)', [None, 5, 5, 4]),
    (L + 'Conv2D(6, (4, 3), strides=(2, 1), data_format="channels_first", groups=2)', [2, 4, 8, 8]),
    # Conv2DTranspose (conv_transpose_test.py, then same/valid with output_padding, dilation, unknown size)
    (L + 'Conv2DTranspose(filters=5, kernel_size=2, strides=2, padding="valid", output_padding=None, dilation_rate=1)', [2, 8, 8, 4]),
    (L + 'Conv2DTranspose(filters=6, kernel_size=2, strides=3, padding="same", output_padding=2, dilation_rate=(1, 1))', [2, 8, 8, 4]),
    (L + 'Conv2DTranspose(filters=6, kernel_size=(2, 3), strides=(2, 1), padding="valid", output_padding=None, data_format="channels_first", dilation_rate=(1, 1))', [2, 4, 8, 8]),
    (L + 'Conv2DTranspose(filters=2, kernel_size=(7, 7), strides=(16, 16), padding="valid", output_padding=None, dilation_rate=(1, 1))', [1, 14, 14, 2]),
    (L + 'Conv2DTranspose(filters=8, kernel_size=3, strides=2, padding="same")', [None, 7, 7, 4]),
    (L + 'Conv2DTranspose(filters=8, kernel_size=3, strides=2, padding="same", output_padding=1)', [None, 7, 7, 4]),
    (L + 'Conv2DTranspose(filters=8, kernel_size=3, strides=2, padding="valid", output_padding=1)', [None, 7, 7, 4]),
    (L + 'Conv2DTranspose(filters=8, kernel_size=3, strides=1, padding="valid", dilation_rate=2)', [None, 7, 7, 4]),
    (L + 'Conv2DTranspose(filters=8, kernel_size=4, strides=2, padding="same")', [None, None, 5, 4]),
    # DepthwiseConv2D (depthwise_conv_test.py) and SeparableConv2D
    (L + 'DepthwiseConv2D(depth_multiplier=5, kernel_size=2, strides=1, padding="valid", dilation_rate=1)', [3, 5, 5, 4]),
    (L + 'DepthwiseConv2D(depth_multiplier=6, kernel_size=2, strides=1, padding="same", dilation_rate=(2, 2))', [3, 4, 4, 4]),
    (L + 'DepthwiseConv2D(depth_multiplier=6, kernel_size=(2, 2), strides=(2, 2), padding="valid", dilation_rate=(1, 1))', [3, 5, 5, 4]),
    (L + 'SeparableConv2D(16, 3, depth_multiplier=2, padding="same")', [None, 10, 10, 8]),
    (L + 'SeparableConv2D(4, 3, dilation_rate=2)', [None, 9, 9, 3]),
]

# Plain Conv2D layers: (filters, keyword arguments shared by all three forms, input batch shape).
SAVINGS = [
    (64, dict(kernel_size=3, padding="same"), [None, 56, 56, 32]),
    (16, dict(kernel_size=(5, 3), strides=2, use_bias=False), [None, 20, 20, 8]),
    (8, dict(kernel_size=3, dilation_rate=2, data_format="channels_first"), [None, 4, 17, 17]),
]


def shape(t):
    return [None if d is None else int(d) for d in t]


def built(layer, batch_shape):
    y = layer(keras.Input(batch_shape=tuple(batch_shape)))
    return shape(y.shape), int(sum(int(w.numpy().size) for w in layer.trainable_weights))


def compact(golden):
    """One case per line: small diffs when a case changes."""
    rows = lambda xs: ",\n".join("  " + json.dumps(x) for x in xs)
    return f'{{"keras": {json.dumps(golden["keras"])},\n "cases": [\n{rows(golden["cases"])}\n ],\n "savings": [\n{rows(golden["savings"])}\n ]}}\n'


def main():
    cases = []
    for ctor, batch_shape in CASES:
        out, params = built(eval(ctor, {"keras": keras}), batch_shape)
        cases.append({"ctor": ctor, "input": batch_shape, "output": out, "params": params})
    savings = []
    for filters, kw, batch_shape in SAVINGS:
        conv = keras.layers.Conv2D(filters, **kw)
        out, params = built(conv, batch_shape)
        _, separable = built(keras.layers.SeparableConv2D(filters, **kw), batch_shape)
        x = keras.Input(batch_shape=tuple(batch_shape))
        dw = keras.layers.DepthwiseConv2D(**kw)
        pw = keras.layers.Conv2D(filters, 1, data_format=kw.get("data_format"), use_bias=kw.get("use_bias", True))
        pw(dw(x))
        pair = sum(int(w.numpy().size) for w in dw.trainable_weights + pw.trainable_weights)
        args = ", ".join([str(filters)] + [f"{k}={v!r}".replace("'", '"') for k, v in kw.items()])
        savings.append({"ctor": f"keras.layers.Conv2D({args})", "input": batch_shape, "output": out, "params": params,
                        "separable": separable, "depthwisePointwise": int(pair)})
    with open(OUT, "w") as f:
        f.write(compact({"keras": keras.__version__, "cases": cases, "savings": savings}))
    print(f"wrote {OUT}: {len(cases)} cases, {len(savings)} savings")


main()
