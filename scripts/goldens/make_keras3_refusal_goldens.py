"""Writes test/goldens/keras3_refusals/manifest.json with real Keras 3 (JAX backend): Keras 2 code
that Keras 3 refuses (removed modules and names, K.int_shape, optimizers' lr=, Model(input=),
AveragePooling2D without pool_size), each run as a small script, with the exception's type,
message (an ImportError's file path left out) and line; and Keras 3 code of the same kind that runs (no error).

Usage: KERAS_BACKEND=jax .keras-oracle/bin/python scripts/goldens/make_keras3_refusal_goldens.py
"""

import json
import os
import re
import sys

if os.environ.get("KERAS_BACKEND") != "jax":
    sys.exit("run with KERAS_BACKEND=jax")

import keras  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "goldens", "keras3_refusals")

CASES = {
    "removed module, from-import": "import keras\nfrom keras.layers.merge import concatenate\n",
    "removed module, import": "import keras\nimport keras.layers.convolutional\n",
    "removed package, deeper module": "from keras.engine.topology import Layer\n",
    "removed name of a module": "import keras\nfrom keras.utils import np_utils\n",
    "ImageDataGenerator": "import keras\nx = 1\nfrom keras.preprocessing.image import ImageDataGenerator\n",
    "losses.mse": "from keras.losses import mse\n",
    "K.int_shape": "import keras\nfrom keras import backend as K\nx = keras.Input((4,))\nshape = K.int_shape(x)\n",
    "keras.optimizers.rmsprop": "import keras\nopt = keras.optimizers.rmsprop(0.1)\n",
    "Adam(lr=)": "import keras\nopt = keras.optimizers.Adam(lr=0.001)\n",
    "RMSprop(lr=, decay=)": "from keras.optimizers import RMSprop\nlr = 2e-4\nopt = RMSprop(lr=lr * 0.5, decay=6e-8)\n",
    "AveragePooling2D()": "import keras\nx = keras.Input((8, 8, 3))\ny = keras.layers.AveragePooling2D()(x)\n",
    "Model(input=, output=)": "import keras\nx = keras.Input((4,))\ny = keras.layers.Dense(2)(x)\nm = keras.Model(input=x, output=y)\n",
    "ModelCheckpoint, weights only": "import keras\ncb = keras.callbacks.ModelCheckpoint(\n    filepath='/tmp/checkpoint',\n    save_weights_only=True,\n)\n",
    "ModelCheckpoint, a path without extension": "import keras\ncb = keras.callbacks.ModelCheckpoint('/tmp/best', monitor='loss')\n",
    "ModelCheckpoint, legacy .h5 model": "import keras\ncb = keras.callbacks.ModelCheckpoint('best.h5', monitor='loss')\n",
    # Keras 3 code of the same kinds: no error.
    "ModelCheckpoint, Keras 3 paths": "import keras\na = keras.callbacks.ModelCheckpoint('m.weights.h5', save_weights_only=True)\nb = keras.callbacks.ModelCheckpoint('m-{epoch:02d}.keras')\n",
    "layers and merges from keras.layers": "import keras\nfrom keras.layers import Conv2D, concatenate, LeakyReLU\n",
    "ops, applications module": "import keras\nfrom keras import ops\nimport keras.applications.resnet50\nfrom keras.applications.resnet50 import preprocess_input\n",
    "backend functions Keras 3 keeps": "from keras import backend as K\nf = K.image_data_format()\ne = K.epsilon()\nK.clear_session()\n",
    "MaxPooling2D()": "import keras\nx = keras.Input((8, 8, 3))\ny = keras.layers.MaxPooling2D()(x)\n",
    "Adam(learning_rate=, decay=)": "import keras\nopt = keras.optimizers.Adam(learning_rate=1e-3, decay=0.1)\n",
    "Keras 2 import caught by try/except": "import keras\ntry:\n    from keras.layers.merge import concatenate\nexcept ImportError:\n    from keras.layers import concatenate\n",
    "K.int_shape caught by try/except": "import keras\nfrom keras import backend as K\nx = keras.Input((4,))\ntry:\n    s = K.int_shape(x)\nexcept AttributeError:\n    s = tuple(x.shape)\n",
    "private and src modules": "import keras\nfrom keras.src.layers import Dense\nfrom keras import _tf_keras\n",
}


def run(name, source):
    keras.backend.clear_session()
    try:
        exec(compile(source, name, "exec"), {})
    except Exception as e:  # noqa: BLE001
        tb = e.__traceback__
        line = None
        while tb:
            if tb.tb_frame.f_code.co_filename == name:
                line = tb.tb_lineno
            tb = tb.tb_next
        return {"name": name, "source": source, "error": {"type": type(e).__name__, "message": re.sub(r" \(/[^)]*\)$", "", str(e)), "line": line}}
    return {"name": name, "source": source, "error": None}


os.makedirs(OUT, exist_ok=True)
manifest = {"keras": keras.__version__, "backend": keras.backend.backend(), "cases": [run(k, v) for k, v in CASES.items()]}
with open(os.path.join(OUT, "manifest.json"), "w") as f:
    json.dump(manifest, f, indent=1)
    f.write("\n")
print(f"{len(CASES)} cases -> {OUT}")
