"""Writes test/goldens/examples/<name>.json with real Keras 3 (JAX backend): every layer of the
model an example builds, in Keras' order, with each call's input and output shapes and the layer's
parameter count, so view tests (the per-call hover of a helper-function layer) check real shapes.

Only the repository's own examples are built (a fixed list), never other files.

Usage: KERAS_BACKEND=jax .keras-oracle/bin/python scripts/goldens/make_example_goldens.py
"""

import json
import os
import runpy
import sys

if os.environ.get("KERAS_BACKEND") != "jax":
    sys.exit("run with KERAS_BACKEND=jax")

import keras  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "goldens", "examples")
EXAMPLES = ["unet.py"]


def shape_list(s):
    return [None if d is None else int(d) for d in s]


def shapes(tensors):
    if not isinstance(tensors, (list, tuple)):
        tensors = [tensors]
    return [shape_list(t.shape) for t in tensors]


def main():
    os.makedirs(OUT, exist_ok=True)
    for file in EXAMPLES:
        keras.utils.clear_session()
        model = runpy.run_path(os.path.join(ROOT, "examples", file))["model"]
        layers = []
        for layer in model.layers:
            calls = []
            for node in layer._inbound_nodes:
                calls.append({"inputs": shapes(node.input_tensors), "outputs": shapes(node.output_tensors)})
            layers.append({"name": layer.name, "class": layer.__class__.__name__, "params": int(layer.count_params()), "calls": calls})
        doc = {"keras": keras.__version__, "file": file, "model": model.name, "total_params": int(model.count_params()), "layers": layers}
        with open(os.path.join(OUT, file.replace(".py", ".json")), "w") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")
        print(f"{file}: {len(layers)} layers, {doc['total_params']} params")


if __name__ == "__main__":
    main()
