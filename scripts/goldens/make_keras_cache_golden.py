"""Writes test/goldens/keras_cache/ with real Keras 3 (JAX backend): a fake KERAS_HOME whose
models/ folder holds keras.applications' pretrained file for a small application, under the file
name Keras downloads it to, with seeded random weights instead of ImageNet's.

  keras_home/models/<file>  legacy HDF5 weights (the layout of Keras' downloads), written by
                            Keras' own legacy_h5_format.save_weights_to_hdf5_group
  mobilenet.input.npy       a seeded float32 input
  mobilenet.output.npy      predict of the model Keras builds from mobilenet.py with
                            KERAS_HOME pointing at keras_home/ (so Keras itself loads the file)
  manifest.json             the file name, Keras' version, the model's name

Usage: KERAS_BACKEND=jax .keras-oracle/bin/python scripts/goldens/make_keras_cache_golden.py
"""

import json
import os
import sys

if os.environ.get("KERAS_BACKEND") != "jax":
    sys.exit("run with KERAS_BACKEND=jax")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "goldens", "keras_cache")
HOME = os.path.join(OUT, "keras_home")
os.environ["KERAS_HOME"] = HOME  # before keras is imported: get_file reads it per call anyway

import h5py  # noqa: E402
import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras.src.legacy.saving import legacy_h5_format  # noqa: E402

# The file keras/src/applications/mobilenet.py downloads for alpha=0.25, include_top=False
# (rows falls back to 224 for a 96x96 input with imagenet weights).
FILE = "mobilenet_2_5_224_tf_no_top.h5"
ARGS = dict(alpha=0.25, input_shape=(96, 96, 3), include_top=False)


def main():
    os.makedirs(os.path.join(HOME, "models"), exist_ok=True)
    path = os.path.join(HOME, "models", FILE)
    if os.path.exists(path):
        os.remove(path)
    model = keras.applications.MobileNet(weights=None, **ARGS)
    rng = np.random.default_rng(10)
    for v in model.weights:
        shape = tuple(v.shape)
        value = rng.uniform(0.5, 1.5, size=shape) if v.name == "moving_variance" else rng.normal(0.0, 0.3, size=shape)
        v.assign(value.astype(v.dtype))
    with h5py.File(path, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, model)

    # Keras itself, with weights="imagenet", finds the file in the cache (MobileNet passes no
    # file hash, so get_file uses it as it is) and loads it.
    pretrained = keras.applications.MobileNet(weights="imagenet", **ARGS)
    x = np.random.default_rng(11).uniform(-1, 1, size=(1, 96, 96, 3)).astype(np.float32)
    want = np.asarray(model.predict(x, verbose=0), dtype=np.float32)
    got = np.asarray(pretrained.predict(x, verbose=0), dtype=np.float32)
    if not np.allclose(got, want, rtol=0, atol=1e-6):
        sys.exit("Keras did not load the cached file into MobileNet(weights='imagenet')")
    np.save(os.path.join(OUT, "mobilenet.input.npy"), x)
    np.save(os.path.join(OUT, "mobilenet.output.npy"), got)
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump({
            "keras_version": keras.__version__,
            "source": "mobilenet.py",
            "file": FILE,
            "model_name": pretrained.name,
            "input": "mobilenet.input.npy",
            "output": "mobilenet.output.npy",
            "output_shape": list(got.shape),
        }, f, indent=2)
        f.write("\n")
    print(f"wrote {path} ({os.path.getsize(path)} bytes), model {pretrained.name}, output {got.shape}")


main()
