"""Writes the lowering goldens in test/goldens/lowering/ with real Keras 3 (JAX backend).

For each case file test/goldens/lowering/cases/<case>.py (a static Keras model source that binds
`model`: recurrent layers, Embedding, Resizing, shape-changing keras.ops functions), this builds
the model, gives every variable seeded random values, and writes with Keras itself:

  <case>.weights.h5   model.save_weights (Keras 3 layout)
  <case>.legacy-weights.h5  for the recurrent and Embedding cases: the Keras 2 weights-only
                      layout, written by Keras' own legacy_h5_format.save_weights_to_hdf5_group
  <case>.input.npy    a seeded float32 input, batch 2 (integer-valued for Embedding cases)
  <case>.output.npy   model.predict on that input (float32)

Each weights file is loaded back into a freshly built model and its prediction compared with the
first one. manifest.json records the Keras version, each model's layers and the file names.

Run through scripts/goldens/make_lowering_goldens.sh (KERAS_BACKEND=jax, the .keras-oracle venv).
Usage: make_lowering_goldens.py [CASE ...]   (default: all cases; the manifest keeps other cases)
"""

import json
import os
import sys
import warnings

if os.environ.get("KERAS_BACKEND") != "jax":
    sys.exit("run with KERAS_BACKEND=jax (use scripts/goldens/make_lowering_goldens.sh)")

import h5py  # noqa: E402
import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras.src.legacy.saving import legacy_h5_format  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "goldens", "lowering")
CASES_DIR = os.path.join(OUT, "cases")

# Case name -> seed (weights use SEED, the input SEED + 1), fixed so regenerating gives the same numbers.
SEEDS = {
    "lstm": 2001,
    "gru": 2002,
    "simple_rnn": 2003,
    "embedding": 2004,
    "resizing_bilinear": 2005,
    "resizing_nearest": 2006,
    "resizing_bicubic": 2007,
    "resizing_aspect": 2008,
    "tensor_ops": 2009,
    "image_ops": 2010,
    "custom_layer_ops": 2011,
    "resizing_channels_first": 2012,
}
# Cases also saved in the legacy (Keras 2) weights layout, paired by layer order.
LEGACY = {"lstm", "gru", "simple_rnn", "embedding"}
# Cases whose input is a table index (Embedding): integers in [0, high), stored as float32.
INDEX_INPUTS = {"embedding": 20}
BATCH = 2
WEIGHT_SCALE = 0.4
RTOL, ATOL = 1e-5, 1e-6


def build(case):
    """Fresh Keras session (auto-names restart), then exec the case file."""
    keras.backend.clear_session()
    path = os.path.join(CASES_DIR, case + ".py")
    namespace = {"__name__": "convlens_lowering_" + case, "__file__": path}
    with open(path) as f:
        code = compile(f.read(), path, "exec")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(code, namespace)
    return namespace["model"]


def randomize(model, seed):
    rng = np.random.default_rng(seed)
    for v in model.weights:
        v.assign(rng.normal(0.0, WEIGHT_SCALE, size=tuple(v.shape)).astype(v.dtype))


def make_input(case, model, seed):
    rng = np.random.default_rng(seed + 1)
    shape = (BATCH,) + tuple(int(d) for d in model.inputs[0].shape[1:])
    if case in INDEX_INPUTS:
        # Index 0 included on purpose: mask_zero's padding index.
        x = rng.integers(0, INDEX_INPUTS[case], size=shape)
        x.flat[0] = 0
        return x.astype(np.float32)
    return rng.normal(0.0, 1.0, size=shape).astype(np.float32)


def predict(model, x):
    return np.asarray(model.predict(x, batch_size=BATCH, verbose=0), dtype=np.float32)


def layer_records(model):
    return [
        {
            "name": layer.name,
            "class_name": layer.__class__.__name__,
            "params": int(sum(int(np.prod(w.shape)) for w in layer.weights)),
        }
        for layer in model.layers
    ]


def make_case(case):
    seed = SEEDS[case]
    model = build(case)
    randomize(model, seed)
    x = make_input(case, model, seed)
    y = predict(model, x)
    weights = case + ".weights.h5"
    model.save_weights(os.path.join(OUT, weights))
    # The file must give the same predictions in a fresh model.
    fresh = build(case)
    fresh.load_weights(os.path.join(OUT, weights))
    np.testing.assert_allclose(predict(fresh, x), y, rtol=RTOL, atol=ATOL)
    legacy = None
    if case in LEGACY:
        legacy = case + ".legacy-weights.h5"
        with h5py.File(os.path.join(OUT, legacy), "w") as f:
            legacy_h5_format.save_weights_to_hdf5_group(f, model)
        fresh = build(case)
        fresh.load_weights(os.path.join(OUT, legacy))
        np.testing.assert_allclose(predict(fresh, x), y, rtol=RTOL, atol=ATOL)
    np.save(os.path.join(OUT, case + ".input.npy"), x)
    np.save(os.path.join(OUT, case + ".output.npy"), y)
    return {
        "source": f"cases/{case}.py",
        "model_name": model.name,
        "weights": weights,
        "legacy_weights": legacy,
        "input": case + ".input.npy",
        "output": case + ".output.npy",
        "input_shape": list(x.shape),
        "output_shape": list(y.shape),
        "layers": layer_records(model),
    }


def main(argv):
    cases = argv or sorted(SEEDS)
    manifest_path = os.path.join(OUT, "manifest.json")
    manifest = {"cases": {}}
    if argv and os.path.exists(manifest_path):
        with open(manifest_path) as f:
            manifest = json.load(f)
    manifest["keras_version"] = keras.__version__
    manifest["backend"] = keras.backend.backend()
    for case in cases:
        manifest["cases"][case] = make_case(case)
        print(f"{case}: {manifest['cases'][case]['output_shape']}")
    manifest["cases"] = dict(sorted(manifest["cases"].items()))
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
