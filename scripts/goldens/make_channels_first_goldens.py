"""Writes test/goldens/channels_first/*.json with real Keras 3 (JAX backend): what Keras makes of
programs under `data_format="channels_first"`, given per layer or set globally with
`keras.config.set_image_data_format` / `keras.backend.set_image_data_format`.

  layers.json        small programs, each ending in `model = ...`: per layer [name, class, output
                     shape, trainable, non-trainable], or the error Keras raised (class: message)
  applications.json  every keras.applications architecture built after
                     set_image_data_format("channels_first"): its default variant and one without
                     top on another (channels-first) input shape, recorded as the application
                     goldens are (make_application_goldens.py), plus the errors of bad input shapes

Each program is run in a fresh session with the global format reset to channels_last first.
Run through scripts/goldens/make_channels_first_goldens.sh.
Usage: make_channels_first_goldens.py [layers|applications [Application ...]]
"""

import json
import os
import re
import sys
import warnings

if os.environ.get("KERAS_BACKEND") != "jax":
    sys.exit("run with KERAS_BACKEND=jax (use scripts/goldens/make_channels_first_goldens.sh)")

import keras  # noqa: E402
from keras.src.backend.common.stateless_scope import StatelessScope  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_application_goldens as apps  # noqa: E402  (its download block and row format)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "goldens", "channels_first")

CF = 'keras.config.set_image_data_format("channels_first")\n'
HEAD = "import keras\nfrom keras import layers\n"


def prog(body, global_format=False):
    return HEAD + (CF if global_format else "") + body


# name -> program. Explicit data_format= first, then the same layers following the global setting.
LAYER_PROGRAMS = {
    "explicit_vision_layers": prog(
        'x = inputs = keras.Input((3, 33, 40))\n'
        'f = "channels_first"\n'
        'x = layers.Conv2D(8, 3, strides=2, padding="same", data_format=f)(x)\n'
        'x = layers.BatchNormalization(axis=1)(x)\n'
        'x = layers.DepthwiseConv2D(3, depth_multiplier=2, data_format=f)(x)\n'
        'x = layers.SeparableConv2D(12, 3, padding="same", data_format=f)(x)\n'
        'x = layers.MaxPooling2D(2, data_format=f)(x)\n'
        'x = layers.AveragePooling2D(3, strides=1, padding="same", data_format=f)(x)\n'
        'x = layers.Conv2DTranspose(6, 3, strides=2, data_format=f)(x)\n'
        'x = layers.UpSampling2D(2, data_format=f)(x)\n'
        'x = layers.ZeroPadding2D(((1, 2), (3, 4)), data_format=f)(x)\n'
        'x = layers.Cropping2D(((2, 1), (0, 3)), data_format=f)(x)\n'
        'y = layers.Conv2D(4, 1, data_format=f)(x)\n'
        'x = layers.Concatenate(axis=1)([x, y])\n'
        'g = layers.GlobalAveragePooling2D(data_format=f, keepdims=True)(x)\n'
        'm = layers.GlobalMaxPooling2D(data_format=f)(x)\n'
        'x = layers.Flatten(data_format=f)(x)\n'
        'model = keras.Model(inputs, [x, g, m])\n'),
    "global_vision_layers": prog(
        'x = inputs = keras.Input((3, 33, 40))\n'
        'x = layers.Conv2D(8, 3, strides=2, padding="same")(x)\n'
        'x = layers.BatchNormalization(axis=1)(x)\n'
        'x = layers.DepthwiseConv2D(3, depth_multiplier=2)(x)\n'
        'x = layers.SeparableConv2D(12, 3, padding="same")(x)\n'
        'x = layers.MaxPooling2D(2)(x)\n'
        'x = layers.AveragePooling2D(3, strides=1, padding="same")(x)\n'
        'x = layers.Conv2DTranspose(6, 3, strides=2)(x)\n'
        'x = layers.UpSampling2D(2)(x)\n'
        'x = layers.ZeroPadding2D(((1, 2), (3, 4)))(x)\n'
        'x = layers.Cropping2D(((2, 1), (0, 3)))(x)\n'
        'g = layers.GlobalAveragePooling2D(keepdims=True)(x)\n'
        'm = layers.GlobalMaxPooling2D()(x)\n'
        'x = layers.Flatten()(x)\n'
        'model = keras.Model(inputs, [x, g, m])\n', global_format=True),
    "global_via_backend": HEAD + 'keras.backend.set_image_data_format("channels_first")\n'
        'model = keras.Sequential([keras.Input((3, 32, 32)), layers.Conv2D(16, 5), layers.MaxPooling2D(), layers.Conv2D(8, 3, data_format="channels_last"), layers.Flatten(), layers.Dense(10)])\n',
    "global_read_back": prog(
        'axis = 1 if keras.config.image_data_format() == "channels_first" else -1\n'
        'x = inputs = keras.Input((3, 16, 16))\n'
        'a = layers.Conv2D(4, 3, padding="same")(x)\n'
        'b = layers.Conv2D(6, 3, padding="same")(x)\n'
        'x = layers.Concatenate(axis=axis)([a, b])\n'
        'x = layers.BatchNormalization(axis=axis)(x)\n'
        'model = keras.Model(inputs, x)\n', global_format=True),
    "set_back_to_channels_last": prog(
        'first = layers.Conv2D(4, 3)\n'
        'keras.config.set_image_data_format("channels_last")\n'
        'x = inputs = keras.Input((3, 16, 16))\n'
        'model = keras.Model(inputs, layers.Conv2D(4, 3)(first(x)))\n', global_format=True),
    "conv1d": prog(
        'a = keras.Input((4, 20))\n'
        'model = keras.Model(a, layers.MaxPooling1D()(layers.Conv1D(5, 3)(a)))\n', global_format=True),
    "resizing_and_1d_pooling": prog(
        'x = inputs = keras.Input((3, 20, 30))\n'
        'x = layers.Resizing(8, 10)(x)\n'
        'x = layers.UpSampling2D((2, 3))(x)\n'
        'y = layers.Reshape((3, 16 * 30))(x)\n'
        'y = layers.GlobalAveragePooling1D()(y)\n'
        'x = layers.SeparableConv2D(4, 3, depth_multiplier=2)(x)\n'
        'model = keras.Model(inputs, [x, y])\n', global_format=True),
    # A backbone under a new head, frozen, all channels_first.
    "transfer_learning": prog(
        'base = keras.applications.ResNet50(weights=None, include_top=False, input_shape=(3, 128, 128))\n'
        'base.trainable = False\n'
        'inputs = keras.Input((3, 128, 128))\n'
        'x = layers.GlobalAveragePooling2D()(base(inputs))\n'
        'model = keras.Model(inputs, layers.Dense(5)(x))\n', global_format=True),
    # The same application call before and after the switch: the second one is channels_first.
    "same_call_after_switch": HEAD + 'first = keras.applications.VGG16(weights=None, include_top=False)\n' + CF
        + 'model = keras.applications.VGG16(weights=None, include_top=False)\n',
    # Keras' errors under channels_first.
    "error_channels_undefined": prog('x = inputs = keras.Input((None, 16, 16))\nmodel = keras.Model(inputs, layers.Conv2D(4, 3)(x))\n', global_format=True),
    "error_pool_too_small": prog('x = inputs = keras.Input((64, 3, 3))\nmodel = keras.Model(inputs, layers.MaxPooling2D(4)(x))\n', global_format=True),
    "error_conv_too_small": prog('x = inputs = keras.Input((64, 2, 2))\nmodel = keras.Model(inputs, layers.Conv2D(4, 3)(x))\n', global_format=True),
    "error_transpose_channels_undefined": prog('x = inputs = keras.Input((None, 8, 8))\nmodel = keras.Model(inputs, layers.Conv2DTranspose(4, 3)(x))\n', global_format=True),
    "error_separable_channels_undefined": prog('x = inputs = keras.Input((None, 8, 8))\nmodel = keras.Model(inputs, layers.SeparableConv2D(4, 3)(x))\n', global_format=True),
    "error_depthwise_channels_undefined": prog('x = inputs = keras.Input((None, 8, 8))\nmodel = keras.Model(inputs, layers.DepthwiseConv2D(3)(x))\n', global_format=True),
    "error_bad_format": HEAD + 'keras.config.set_image_data_format("channels_middle")\nmodel = None\n',
    "error_bad_layer_format": prog('x = inputs = keras.Input((3, 8, 8))\nmodel = keras.Model(inputs, layers.Conv2D(4, 3, data_format="NCHW")(x))\n'),
}


def clean(e):
    return f"{type(e).__name__}: {re.sub(r' at 0x[0-9a-f]+', '', str(e))}"


def run_program(source):
    keras.backend.clear_session()
    keras.config.set_image_data_format("channels_last")
    scope = {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with StatelessScope(initialize_variables=False):
                exec(source, scope)
    except Exception as e:  # noqa: BLE001 - the error is what is recorded
        return {"error": clean(e)}
    finally:
        keras.config.set_image_data_format("channels_last")
    model = scope["model"]
    if model is None:
        return {"error": None}
    return {
        "name": model.name,
        "output": [apps.shape(t.shape) for t in model.outputs],
        "trainable": apps.count(model.trainable_weights),
        "non_trainable": apps.count(model.non_trainable_weights),
        "layers": apps.rows(model),
    }


def layer_goldens():
    return {name: {"source": source, **run_program(source)} for name, source in LAYER_PROGRAMS.items()}


ALT = (3, 161, 197)
ERRORS = [
    "weights=None, input_shape=(161, 197, 3)",
    "weights='imagenet', include_top=False, input_shape=(224, 224, 3)",
    "weights=None, input_shape=(3, 20, 20), include_top=False",
]


def application_golden(app):
    call = f"keras.applications.{app}"
    variants = {"default": f"{call}(weights=None)", "notop_avg": f"{call}(weights=None, include_top=False, pooling='avg', input_shape={ALT})"}
    out = {"variants": {}, "errors": []}
    for key, expr in variants.items():
        source = f"import keras\n{CF}model = {expr}\n"
        out["variants"][key] = {"code": expr, "source": source, **run_program(source)}
    for args in ERRORS:
        source = f"import keras\n{CF}model = {call}({args})\n"
        r = run_program(source)
        out["errors"].append({"code": f"{call}({args})", "source": source, "error": r.get("error")})
    return out


def main():
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    os.makedirs(OUT, exist_ok=True)
    if what in ("all", "layers"):
        with open(os.path.join(OUT, "layers.json"), "w") as f:
            json.dump({"keras": keras.__version__, "programs": layer_goldens()}, f, indent=1)
            f.write("\n")
        print("layers.json written", flush=True)
    if what in ("all", "applications"):
        names = sys.argv[2:] or list(apps.APPLICATIONS)
        path = os.path.join(OUT, "applications.json")
        done = json.load(open(path)) if os.path.exists(path) and sys.argv[2:] else {"keras": keras.__version__, "applications": {}}
        for app in names:
            done["applications"][app] = application_golden(app)
            v = done["applications"][app]["variants"]["default"]
            print(f"{app}: {v.get('name', v.get('error'))}", flush=True)
        with open(path, "w") as f:
            json.dump(done, f, separators=(",", ":"))
            f.write("\n")


if __name__ == "__main__":
    main()
