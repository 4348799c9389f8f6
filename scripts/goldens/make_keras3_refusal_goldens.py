"""Writes test/goldens/keras3_refusals/manifest.json with real Keras 3 (JAX backend): Keras 2 code
that Keras 3 refuses (removed modules and names, K.int_shape, optimizers' lr=, Model(input=),
AveragePooling2D without pool_size), each run as a small script, with the exception's type,
message (an ImportError's file path left out) and line; and Keras 3 code of the same kind that runs (no error).

Usage: KERAS_BACKEND=jax .keras-oracle/bin/python scripts/goldens/make_keras3_refusal_goldens.py
"""

import importlib
import importlib.abc
import importlib.machinery
import json
import os
import re
import sys
import types

if os.environ.get("KERAS_BACKEND") != "jax":
    sys.exit("run with KERAS_BACKEND=jax")

import keras  # noqa: E402


class TensorflowWithKeras3(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """TensorFlow >= 2.16 as far as these cases use it (TensorFlow itself is not installed): `tensorflow.keras`
    is Keras 3's `keras._tf_keras.keras`, which is what TensorFlow 2.16+ loads for tf.keras."""

    def __init__(self):
        self.real_specs = {}

    def find_spec(self, fullname, path=None, target=None):
        return importlib.machinery.ModuleSpec(fullname, self) if fullname.split(".")[0] == "tensorflow" else None

    def create_module(self, spec):
        if spec.name == "tensorflow":
            tf = types.ModuleType("tensorflow")
            tf.__path__ = []
            tf.keras = importlib.import_module("keras._tf_keras.keras")
            return tf
        module = importlib.import_module("keras._tf_keras.keras" + spec.name[len("tensorflow.keras"):])
        self.real_specs[id(module)] = module.__spec__  # the import system overwrites it: keep the real one
        return module

    def exec_module(self, module):
        if id(module) in self.real_specs:
            module.__spec__ = self.real_specs.pop(id(module))


sys.meta_path.insert(0, TensorflowWithKeras3())

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
    # tf.keras is Keras 3 from TensorFlow 2.16 on: the same refusals.
    "tf.keras Adam(lr=)": "import tensorflow as tf\nopt = tf.keras.optimizers.Adam(lr=0.001)\n",
    "tensorflow.keras Adam(lr=), imported": "from tensorflow.keras.optimizers import Adam\nopt = Adam(lr=0.01)\n",
    "tensorflow.keras ModelCheckpoint, weights only": "from tensorflow import keras\ncb = keras.callbacks.ModelCheckpoint(\n    filepath='/tmp/checkpoint',\n    save_weights_only=True,\n)\n",
    # Keras checks isinstance(units, int): a NumPy integer is refused whatever its value.
    "Dense(np.int64(10))": "import keras\nimport numpy as np\nd = keras.layers.Dense(np.int64(10))\n",
    "Dense(units=np.uint8(9) + 1)": "import keras\nimport numpy as np\nn = np.uint8(9) + 1\nd = keras.layers.Dense(units=n)\n",
    # A Keras 3 Variable is not a tf.Variable.
    "Variable.get_shape() in a custom layer's build": "import keras\nclass Masked(keras.layers.Layer):\n    def __init__(self):\n        super().__init__()\n        self.conv = keras.layers.Conv2D(4, 3)\n    def build(self, input_shape):\n        self.conv.build(input_shape)\n        shape = self.conv.kernel.get_shape()\n    def call(self, x):\n        return self.conv(x)\nx = keras.Input((8, 8, 3))\ny = Masked()(x)\n",
    # Keras 3 code of the same kinds: no error.
    "Variable.shape in a custom layer's build": "import keras\nclass Masked(keras.layers.Layer):\n    def __init__(self):\n        super().__init__()\n        self.conv = keras.layers.Conv2D(4, 3)\n    def build(self, input_shape):\n        self.conv.build(input_shape)\n        shape = self.conv.kernel.shape\n    def call(self, x):\n        return self.conv(x)\nx = keras.Input((8, 8, 3))\ny = Masked()(x)\n",
    "NumPy integers where Keras converts them, int() for Dense": "import keras\nimport numpy as np\nx = keras.Input((8, 8, 3))\ny = keras.layers.Conv2D(np.int64(4), 3)(x)\ny = keras.layers.Flatten()(y)\ny = keras.layers.Dense(int(np.uint8(9) + 1))(y)\n",
    "tf.keras Keras 3 arguments": "import tensorflow as tf\nopt = tf.keras.optimizers.Adam(learning_rate=0.001)\ncb = tf.keras.callbacks.ModelCheckpoint('m.weights.h5', save_weights_only=True)\n",
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
