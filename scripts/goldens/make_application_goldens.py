"""Writes test/goldens/applications/<Application>.json with real Keras 3 (JAX backend).

For every architecture in keras.applications this builds the model with weights=None (no weight
is initialised or downloaded: only shapes are needed) in a few variants, and records what Keras
made of it:

  name         the model's name
  input        model.input.shape (a list of shapes when model.input is a list); output: model.output.shape
  trainable / non_trainable   the model's totals
  layers       one row per entry of model.layers:
               [name, class, output shape, trainable params, non-trainable params]
               (a nested model adds a sixth item: its own rows, the same way)

Each variant is the Python expression that built it, so a test can write the same call as a
source file. `errors` holds argument combinations Keras refuses, with the text of the error.

Run through scripts/goldens/make_application_goldens.sh (KERAS_BACKEND=jax, the .keras-oracle venv).
Usage: make_application_goldens.py [Application ...]   (default: all of them)
"""

import json
import os
import re
import sys
import warnings

if os.environ.get("KERAS_BACKEND") != "jax":
    sys.exit("run with KERAS_BACKEND=jax (use scripts/goldens/make_application_goldens.sh)")

import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras.src.backend.common.stateless_scope import StatelessScope  # noqa: E402
from keras.src.utils import file_utils  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "goldens", "applications")

# A second input shape for the include_top=False variant: not square, odd sizes (so padding and
# cropping rules show), large enough for every application's minimum size.
ALT = (161, 197, 3)

# Application -> (module under keras.applications, extra variants as keyword-argument strings).
APPLICATIONS = {
    "VGG16": ("vgg16", []),
    "VGG19": ("vgg19", []),
    "ResNet50": ("resnet50", ["include_top=False, input_tensor=keras.Input((128, 96, 3)), pooling='max'"]),
    "ResNet101": ("resnet", []),
    "ResNet152": ("resnet", []),
    "ResNet50V2": ("resnet_v2", []),
    "ResNet101V2": ("resnet_v2", []),
    "ResNet152V2": ("resnet_v2", []),
    "InceptionV3": ("inception_v3", []),
    "InceptionResNetV2": ("inception_resnet_v2", []),
    "Xception": ("xception", []),
    "MobileNet": ("mobilenet", ["alpha=0.75, depth_multiplier=2, input_shape=(160, 160, 3), classes=10, dropout=0.5"]),
    "MobileNetV2": ("mobilenet_v2", [
        "alpha=0.35, input_shape=(96, 96, 3), classes=7, classifier_activation=None",
        "alpha=1.3, include_top=False, input_shape=(None, None, 3)",
    ]),
    "MobileNetV3Small": ("mobilenet_v3", ["alpha=0.75, minimalistic=True, include_preprocessing=False, include_top=False, pooling='max'"]),
    "MobileNetV3Large": ("mobilenet_v3", ["alpha=0.75, minimalistic=True, include_preprocessing=False, input_shape=(160, 160, 3), dropout_rate=0.0"]),
    "DenseNet121": ("densenet", []),
    "DenseNet169": ("densenet", []),
    "DenseNet201": ("densenet", []),
    "NASNetMobile": ("nasnet", []),
    "NASNetLarge": ("nasnet", []),
    **{f"EfficientNetB{i}": ("efficientnet", []) for i in range(8)},
    "EfficientNetV2B0": ("efficientnet_v2", ["include_preprocessing=False, include_top=False"]),
    "EfficientNetV2B1": ("efficientnet_v2", []),
    "EfficientNetV2B2": ("efficientnet_v2", []),
    "EfficientNetV2B3": ("efficientnet_v2", []),
    "EfficientNetV2S": ("efficientnet_v2", []),
    "EfficientNetV2M": ("efficientnet_v2", []),
    "EfficientNetV2L": ("efficientnet_v2", []),
    "ConvNeXtTiny": ("convnext", ["include_preprocessing=False, include_top=False, pooling='avg'"]),
    "ConvNeXtSmall": ("convnext", []),
    "ConvNeXtBase": ("convnext", []),
    "ConvNeXtLarge": ("convnext", []),
    "ConvNeXtXLarge": ("convnext", []),
}

# Argument combinations Keras refuses (weights="imagenet" ones fail before any download).
COMMON_ERRORS = [
    "weights='imagenet', classes=10",
    "weights='imagenet', input_shape=(200, 200, 3)",
    "weights=None, input_shape=(None, None, 3)",
    "weights=None, include_top=False, input_shape=(20, 20, 3)",
    "weights='imagenet', include_top=False, input_shape=(224, 224, 1)",
    "weights=None, input_shape=(224, 224)",
    "weights='imagenet', classifier_activation='relu'",
]
EXTRA_ERRORS = {
    "MobileNet": [
        "weights='imagenet', depth_multiplier=2",
        "weights='imagenet', alpha=0.3",
        "weights='imagenet', include_top=False, input_shape=(100, 100, 3)",
    ],
    "MobileNetV2": ["weights='imagenet', alpha=0.3", "weights=None, input_shape=(96, 96, 3), input_tensor=keras.Input((128, 128, 3))"],
    "MobileNetV3Small": ["weights='imagenet', alpha=0.5", "weights='imagenet', input_shape=(160, 160, 3), include_top=False"],
    "MobileNetV3Large": ["weights='imagenet', minimalistic=True, alpha=0.75"],
    "NASNetLarge": ["weights='imagenet', include_top=False, input_shape=(224, 224, 3)"],
    "NASNetMobile": ["weights='imagenet', include_top=False, input_shape=(331, 331, 3)"],
}


class DownloadBlocked(Exception):
    pass


def no_download(*args, **kwargs):
    raise DownloadBlocked("download blocked")


file_utils.get_file = no_download
keras.utils.get_file = no_download


def count(weights):
    return int(sum(int(np.prod(w.shape)) for w in weights))


def shape(s):
    return [None if d is None else int(d) for d in s]


def rows(model):
    out = []
    for layer in model.layers:
        row = [layer.name, layer.__class__.__name__, shape(layer.output.shape), count(layer.trainable_weights), count(layer.non_trainable_weights)]
        if isinstance(layer, keras.Model):
            row.append(rows(layer))
        out.append(row)
    return out


def build(expr):
    keras.backend.clear_session()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with StatelessScope(initialize_variables=False):
            return eval(expr, {"keras": keras})


def describe(expr):
    model = build(expr)
    return {
        "code": expr,
        "name": model.name,
        # model.input is a list when the model was given input_tensor (Keras' get_source_inputs).
        "input": [shape(t.shape) for t in model.input] if isinstance(model.input, list) else shape(model.input.shape),
        "output": shape(model.output.shape),
        "trainable": count(model.trainable_weights),
        "non_trainable": count(model.non_trainable_weights),
        "layers": rows(model),
    }


def error_text(expr):
    try:
        build(expr)
    except DownloadBlocked:
        return None  # Keras accepts the arguments (it would now download the weights).
    except Exception as e:  # noqa: BLE001 - the error is what is recorded
        return f"{type(e).__name__}: {re.sub(r' at 0x[0-9a-f]+', '', str(e))}"
    return None


def golden(app):
    module, extras = APPLICATIONS[app]
    call = f"keras.applications.{app}"
    variants = {"default": f"{call}(weights=None)"}
    variants["notop_avg"] = f"{call}(weights=None, include_top=False, pooling='avg', input_shape={ALT})"
    for i, extra in enumerate(extras):
        variants[f"extra{i + 1}"] = f"{call}(weights=None, {extra})"
    errors = [{"code": f"{call}({args})", "error": error_text(f"{call}({args})")} for args in COMMON_ERRORS + EXTRA_ERRORS.get(app, [])]
    return {
        "application": app,
        "module": module,
        "keras": keras.__version__,
        "variants": {k: describe(v) for k, v in variants.items()},
        "errors": errors,
    }


def main():
    apps = sys.argv[1:] or list(APPLICATIONS)
    os.makedirs(OUT, exist_ok=True)
    for app in apps:
        g = golden(app)
        with open(os.path.join(OUT, f"{app}.json"), "w") as f:
            json.dump(g, f, separators=(",", ":"))
            f.write("\n")
        v = g["variants"]["default"]
        print(f"{app}: {v['name']} {len(v['layers'])} layers, {v['trainable'] + v['non_trainable']:,} params", flush=True)


if __name__ == "__main__":
    main()
