"""Writes test/goldens/clone_model/manifest.json with real Keras 3 (JAX backend): the models that
test/goldens/clone_model/clone.py builds (a Sequential, its keras.models.clone_model, and one made
after), each with its name and model.layers (names, classes, output shapes, params).

Usage: KERAS_BACKEND=jax .keras-oracle/bin/python scripts/goldens/make_clone_model_golden.py
"""

import json
import os
import sys

if os.environ.get("KERAS_BACKEND") != "jax":
    sys.exit("run with KERAS_BACKEND=jax")

import keras  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "goldens", "clone_model")

scope = {}
with open(os.path.join(OUT, "clone.py")) as f:
    exec(compile(f.read(), "clone.py", "exec"), scope)


def describe(variable):
    m = scope[variable]
    return {
        "variable": variable,
        "name": m.name,
        "layers": [
            {"name": l.name, "class_name": l.__class__.__name__, "output_shape": list(l.output.shape), "params": l.count_params()}
            for l in m.layers
        ],
    }


manifest = {"keras": keras.__version__, "source": "clone.py", "models": [describe(v) for v in ("student", "student_scratch", "after")]}
with open(os.path.join(OUT, "manifest.json"), "w") as f:
    json.dump(manifest, f, indent=1)
    f.write("\n")
print(f"-> {OUT}")
