"""Writes test/goldens/layer_cases/manifest.json with real Keras 3 (JAX backend): layers ConvLens
models in kernels/ (SimpleRNN, LSTM, GRU, Embedding, Resizing) built on Keras inputs, each with its
output shape and params, or the error Keras raises.

Usage: KERAS_BACKEND=jax .keras-oracle/bin/python scripts/goldens/make_layer_case_goldens.py
"""

import json
import os
import sys

if os.environ.get("KERAS_BACKEND") != "jax":
    sys.exit("run with KERAS_BACKEND=jax")

import keras  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "goldens", "layer_cases")

# (input shape without batch, layer expression)
CASES = [
    ((28, 28), "keras.layers.SimpleRNN(256, dropout=0.2)"),
    ((28, 28), "keras.layers.SimpleRNN(16, return_sequences=True)"),
    ((10, 8), "keras.layers.SimpleRNN(4, 'relu', False)"),
    ((10, 8), "keras.layers.LSTM(32)"),
    ((None, 8), "keras.layers.LSTM(32, return_sequences=True)"),
    ((10, 8), "keras.layers.LSTM(5, use_bias=False)"),
    ((10, 8), "keras.layers.GRU(32)"),
    ((10, 8), "keras.layers.GRU(32, reset_after=False)"),
    ((10, 8), "keras.layers.GRU(7, return_sequences=True, use_bias=False)"),
    ((8,), "keras.layers.LSTM(3)"),
    ((10, 8, 2), "keras.layers.GRU(3)"),
    ((10, 8), "keras.layers.SimpleRNN(0)"),
    ((10,), "keras.layers.Embedding(1000, 64)"),
    ((None,), "keras.layers.Embedding(50, 8, mask_zero=True)"),
    ((3, 4), "keras.layers.Embedding(5, 2)"),
    ((10,), "keras.layers.Embedding(0, 64)"),
    ((10,), "keras.layers.Embedding(10, 0)"),
    ((32, 32, 3), "keras.layers.Resizing(64, 48)"),
    ((32, 32, 3), "keras.layers.Resizing(16, 16, crop_to_aspect_ratio=True)"),
    ((3, 32, 32), "keras.layers.Resizing(8, 8, data_format='channels_first')"),
    ((None, None, 3), "keras.layers.Resizing(8, 8)"),
    ((32, 3), "keras.layers.Resizing(8, 8)"),
]


def case(shape, expression):
    keras.backend.clear_session()
    x = keras.Input(shape)
    try:
        layer = eval(expression, {"keras": keras})
        y = layer(x)
    except Exception as e:  # noqa: BLE001
        return {"input_shape": list(shape), "expression": expression, "error": {"type": type(e).__name__, "message": str(e)}}
    return {
        "input_shape": list(shape),
        "expression": expression,
        "name": layer.name,
        "output_shape": list(y.shape),
        "params": layer.count_params(),
    }


os.makedirs(OUT, exist_ok=True)
manifest = {"keras": keras.__version__, "backend": keras.backend.backend(), "cases": [case(*c) for c in CASES]}
with open(os.path.join(OUT, "manifest.json"), "w") as f:
    json.dump(manifest, f, indent=1)
    f.write("\n")
print(f"{len(CASES)} cases -> {OUT}")
