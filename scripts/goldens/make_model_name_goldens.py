"""Writes test/goldens/model_names/manifest.json with real Keras 3 (JAX backend): small scripts
that build Sequential and functional models in various ways, and the name Keras gives each model
(variables m1, m2, ... in order). A built Sequential uses up hidden `functional` names.

Usage: KERAS_BACKEND=jax .keras-oracle/bin/python scripts/goldens/make_model_name_goldens.py
"""

import json
import os
import sys

if os.environ.get("KERAS_BACKEND") != "jax":
    sys.exit("run with KERAS_BACKEND=jax")

import keras  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "goldens", "model_names")

FUNCTIONAL = "x = keras.Input((4,))\n{v} = keras.Model(x, keras.layers.Dense(3)(x))\n"
CASES = {
    "a Sequential with an Input, then a Model": "m1 = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])\n" + FUNCTIONAL.format(v="m2"),
    "a Sequential without input, then a Model": "m1 = keras.Sequential([keras.layers.Dense(2)])\n" + FUNCTIONAL.format(v="m2"),
    "input_shape= on the first layer": "m1 = keras.Sequential([keras.layers.Dense(2, input_shape=(4,))])\n" + FUNCTIONAL.format(v="m2"),
    "add() one layer at a time": "m1 = keras.Sequential()\nm1.add(keras.Input((4,)))\nm1.add(keras.layers.Dense(2))\nm1.add(keras.layers.Dense(2))\nm1.add(keras.layers.Dense(2))\n" + FUNCTIONAL.format(v="m2"),
    "build() of an unbuilt Sequential": "m1 = keras.Sequential([keras.layers.Dense(2)])\nm1.build((None, 4))\n" + FUNCTIONAL.format(v="m2"),
    "clone_model of a Sequential": "m1 = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)], name='s')\nm2 = keras.models.clone_model(m1)\n" + FUNCTIONAL.format(v="m3"),
    "two Models": FUNCTIONAL.format(v="m1") + FUNCTIONAL.format(v="m2"),
}


def run(source):
    keras.backend.clear_session()
    scope = {"keras": keras}
    exec(source, scope)
    return [scope[f"m{i}"].name for i in range(1, 10) if f"m{i}" in scope]


os.makedirs(OUT, exist_ok=True)
manifest = {"keras": keras.__version__, "cases": [{"name": k, "source": v, "models": run(v)} for k, v in CASES.items()]}
with open(os.path.join(OUT, "manifest.json"), "w") as f:
    json.dump(manifest, f, indent=1)
    f.write("\n")
print(f"{len(CASES)} cases -> {OUT}")
