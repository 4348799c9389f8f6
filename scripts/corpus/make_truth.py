#!/usr/bin/env python3
"""Writes test/corpus/truth/<file>.json: what real Keras 3 builds from each corpus file.

Run with the Keras oracle (Keras 3.15.1, JAX backend):

    KERAS_BACKEND=jax .keras-oracle/bin/python scripts/corpus/make_truth.py [FILE.py ...]

Each corpus file runs as is, in a child process with a time limit, without training and without
downloading anything:

- weights start as zeros instead of being drawn from their initializers (no JAX compilation per
  shape; their values never matter here);
- `Model.fit/evaluate/predict/..._on_batch/save/save_weights/load_weights/export` do nothing;
  `keras.datasets.*.load_data` returns arrays of the real shapes (zero images, labels
  cycling through the classes); `keras.utils.get_file`
  returns a path that does not exist; the dataset-from-directory and image-file helpers return
  stand-ins; `plot_model` does nothing.
- Modules that are not installed (matplotlib, PIL, IPython, cv2, tensorflow_datasets, ...) are
  permissive stand-ins: every attribute, call, index and operator gives another stand-in, and
  iterating one gives nothing.
- `keras_core` (Keras 3's pre-release name) is Keras 3 itself, `keras_core.operations` is `keras.ops`.
- `tensorflow` is a shim of TensorFlow >= 2.16 with Keras 3, where `tf.keras` is Keras 3's
  `keras._tf_keras.keras`. TensorFlow functions that the corpus uses inside layers map to their
  `keras.ops` equivalents; given a KerasTensor, every TensorFlow function raises the ValueError
  that Keras 3 raises there ("A KerasTensor cannot be used as input to a TensorFlow function").
  The rest of `tf` (tf.data, tf.io, ...) is a stand-in.

The module-level statements run one at a time (and the branch taken by a module-level `if`, so
`if __name__ == "__main__":` blocks too). A statement that fails because of the sandbox (a missing
data file, a stand-in reaching Keras, a name left undefined by such a statement, or a plain Python
error outside Keras) is recorded under "skipped" and the run goes on, as it would with the data
present. The first error raised by Keras itself ends the run, as it ends the script, and is
recorded with its line. The lines of the file that ran are recorded too (`linesRun`): code after
Keras' first error, or inside a statement the sandbox skipped, never ran.

Every model Keras creates is recorded (a Sequential's internal Functional is not a model of the
file), in creation order, with the line that created it: name, class, built or not, and for a built
model `model.layers` (name, class, output shape of the layer's first call inside this model,
trainable and non-trainable parameters) and the totals Keras' summary shows.
"""
import argparse
import ast
import builtins
import contextlib
import importlib
import importlib.abc
import importlib.machinery
import io
import json
import os
import subprocess
import sys
import time
import traceback
import types

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CORPUS = os.path.join(ROOT, "test", "corpus")
FILES = os.path.join(CORPUS, "files")
TRUTH = os.path.join(CORPUS, "truth")
TIME_LIMIT_S = 600

# --------------------------------------------------------------------------------------------
# Stand-ins
# --------------------------------------------------------------------------------------------

_touched = [0]  # stand-ins used so far (a failing statement that used one is the sandbox's fault)


def _touch():
    _touched[0] += 1


class Anything:
    """A value the sandbox stands in for: data, plots, files, ..."""

    _is_stub = True

    def __init__(self, name="anything", *args, **kwargs):
        object.__setattr__(self, "_name", name if isinstance(name, str) else "anything")

    def __getattr__(self, key):
        if key.startswith("__") and key.endswith("__"):
            raise AttributeError(key)
        _touch()
        return Anything(f"{self._name}.{key}")

    def __setattr__(self, key, value):
        _touch()

    def __call__(self, *args, **kwargs):
        _touch()
        _refuse_keras_tensors(self._name, args, kwargs)
        return Anything(f"{self._name}()")

    def __getitem__(self, key):
        _touch()
        return Anything(f"{self._name}[]")

    def __setitem__(self, key, value):
        _touch()

    def __iter__(self):
        _touch()
        return iter(())

    def __len__(self):
        _touch()
        return 0

    def __bool__(self):
        _touch()
        return False

    def __int__(self):
        return 0

    def __index__(self):
        return 0

    def __float__(self):
        return 0.0

    def __str__(self):
        return self._name

    def __repr__(self):
        return f"<stand-in {self._name}>"

    def __format__(self, spec):
        return self._name

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __hash__(self):
        return id(self)

    def __eq__(self, other):
        return self is other

    def __contains__(self, item):
        return False

    def __mro_entries__(self, bases):
        return (object,)


def _binop(name):
    def op(self, *args):
        _touch()
        return Anything(f"({self._name} {name})")

    return op


for _op in (
    "add radd sub rsub mul rmul truediv rtruediv floordiv rfloordiv mod rmod pow rpow matmul rmatmul "
    "and rand or ror xor rxor lshift rlshift rshift rrshift neg pos abs invert lt le gt ge "
    "iadd isub imul itruediv"
).split():
    setattr(Anything, f"__{_op}__", _binop(_op))


class _AnyMeta(type):
    """Makes stand-in attributes of stand-in modules classes, so isinstance() and subclassing work."""

    def __getattr__(cls, key):
        if key.startswith("__") and key.endswith("__"):
            raise AttributeError(key)
        _touch()
        return stub_class(f"{cls.__qualname__}.{key}")

    def __call__(cls, *args, **kwargs):
        if cls.__dict__.get("_is_stub_class"):
            _touch()
            _refuse_keras_tensors(cls.__qualname__, args, kwargs)
            return Anything(f"{cls.__qualname__}()")
        return super().__call__(*args, **kwargs)

    def __iter__(cls):
        return iter(())

    def __getitem__(cls, key):
        return Anything(f"{cls.__qualname__}[]")


def stub_class(name):
    return _AnyMeta(name, (Anything,), {"_is_stub_class": True, "__qualname__": name})


class StubModule(types.ModuleType):
    def __init__(self, name):
        super().__init__(name)
        self.__path__ = []
        self.__file__ = f"<stand-in {name}>"

    def __getattr__(self, key):
        if key.startswith("__") and key.endswith("__"):
            raise AttributeError(key)
        _touch()
        value = stub_class(f"{self.__name__}.{key}")
        setattr(self, key, value)
        return value


# --------------------------------------------------------------------------------------------
# The TensorFlow shim
# --------------------------------------------------------------------------------------------


class KerasTensorInTensorFlow(ValueError):
    """What Keras 3 raises when a KerasTensor reaches a TensorFlow function (KerasTensor.__tf_tensor__)."""


def _is_keras_tensor(x):
    from keras.src.backend.common.keras_tensor import KerasTensor

    return isinstance(x, KerasTensor)


def _refuse_keras_tensors(what, args, kwargs):
    if not what.startswith("tensorflow"):
        return
    from keras import tree

    for x in tree.flatten((list(args), dict(kwargs))):
        if _is_keras_tensor(x):
            raise KerasTensorInTensorFlow(
                "A KerasTensor cannot be used as input to a TensorFlow function. A KerasTensor is a "
                "symbolic placeholder for a shape and dtype, used when constructing Keras Functional "
                "models or Keras Functions. You can only use it as input to a Keras layer or a Keras "
                f"operation (from the namespaces `keras.layers` and `keras.ops`). [{what}]"
            )


def _tf_function(name, fn):
    def wrapper(*args, **kwargs):
        _refuse_keras_tensors(f"tensorflow.{name}", args, kwargs)
        return fn(*args, **kwargs)

    wrapper.__name__ = name.rsplit(".", 1)[-1]
    return wrapper


def _tf_ops():
    import keras
    from keras import ops

    def concat(values, axis, name=None):
        return ops.concatenate(values, axis=axis)

    def split(value, num_or_size_splits, axis=0, num=None, name=None):
        return ops.split(value, num_or_size_splits, axis=axis)

    def transpose(a, perm=None, conjugate=False, name="transpose"):
        return ops.transpose(a, axes=perm)

    def reduce(fn):
        def r(input_tensor, axis=None, keepdims=False, name=None):
            return fn(input_tensor, axis=axis, keepdims=keepdims)

        return r

    def cast(x, dtype, name=None):
        return ops.cast(x, getattr(dtype, "name", dtype))

    def depth_to_space(input, block_size, data_format="NHWC", name=None):
        b, h, w, c = ops.shape(input)
        x = ops.reshape(input, (-1, h, w, block_size, block_size, c // (block_size * block_size)))
        x = ops.transpose(x, (0, 1, 3, 2, 4, 5))
        return ops.reshape(x, (-1, h * block_size, w * block_size, c // (block_size * block_size)))

    def image_resize(images, size, method="bilinear", preserve_aspect_ratio=False, antialias=False, name=None):
        return ops.image.resize(images, tuple(size), interpolation=str(method).split(".")[-1].lower())

    def random_normal(shape, mean=0.0, stddev=1.0, dtype="float32", seed=None, name=None):
        # TensorFlow draws unseeded; JAX needs a seed while tracing (the shapes do not depend on it).
        return keras.random.normal(shape, mean=mean, stddev=stddev, dtype=getattr(dtype, "name", dtype), seed=1337 if seed is None else seed)

    def random_uniform(shape, minval=0, maxval=None, dtype="float32", seed=None, name=None):
        return keras.random.uniform(shape, minval=minval, maxval=1 if maxval is None else maxval, dtype=getattr(dtype, "name", dtype), seed=1337 if seed is None else seed)

    def shape(x, out_type=None, name=None):
        return ops.shape(x)

    def reshape(tensor, shape, name=None):
        return ops.reshape(tensor, shape)

    def unary(fn):
        def u(x, name=None):
            return fn(x)

        return u

    return {
        "shape": shape,
        "reshape": reshape,
        "concat": concat,
        "split": split,
        "transpose": transpose,
        "cast": cast,
        "stack": lambda values, axis=0, name=None: ops.stack(values, axis=axis),
        "expand_dims": lambda input, axis, name=None: ops.expand_dims(input, axis),
        "squeeze": lambda input, axis=None, name=None: ops.squeeze(input, axis=axis),
        "matmul": lambda a, b, **kw: ops.matmul(a, b),
        "add": lambda x, y, name=None: ops.add(x, y),
        "multiply": lambda x, y, name=None: ops.multiply(x, y),
        "subtract": lambda x, y, name=None: ops.subtract(x, y),
        "maximum": lambda x, y, name=None: ops.maximum(x, y),
        "minimum": lambda x, y, name=None: ops.minimum(x, y),
        "reduce_mean": reduce(ops.mean),
        "reduce_sum": reduce(ops.sum),
        "reduce_max": reduce(ops.max),
        "reduce_min": reduce(ops.min),
        "exp": unary(ops.exp),
        "square": unary(ops.square),
        "sqrt": unary(ops.sqrt),
        "abs": unary(ops.abs),
        "tanh": unary(ops.tanh),
        "sigmoid": unary(ops.sigmoid),
        "zeros": lambda shape, dtype="float32", name=None: ops.zeros(shape, dtype=getattr(dtype, "name", dtype)),
        "ones": lambda shape, dtype="float32", name=None: ops.ones(shape, dtype=getattr(dtype, "name", dtype)),
        "zeros_like": lambda x, dtype=None, name=None: ops.zeros_like(x),
        "ones_like": lambda x, dtype=None, name=None: ops.ones_like(x),
        "nn.relu": unary(ops.relu),
        "nn.relu6": unary(ops.relu6),
        "nn.sigmoid": unary(ops.sigmoid),
        "nn.tanh": unary(ops.tanh),
        "nn.softmax": lambda logits, axis=None, name=None: ops.softmax(logits, axis=-1 if axis is None else axis),
        "nn.leaky_relu": lambda features, alpha=0.2, name=None: ops.leaky_relu(features, negative_slope=alpha),
        "nn.swish": unary(ops.silu),
        "nn.silu": unary(ops.silu),
        "nn.gelu": lambda features, approximate=False, name=None: ops.gelu(features, approximate=approximate),
        "nn.depth_to_space": depth_to_space,
        "math.exp": unary(ops.exp),
        "math.square": unary(ops.square),
        "math.sqrt": unary(ops.sqrt),
        "math.reduce_mean": reduce(ops.mean),
        "math.reduce_sum": reduce(ops.sum),
        "math.tanh": unary(ops.tanh),
        "math.sigmoid": unary(ops.sigmoid),
        "image.resize": image_resize,
        "random.normal": random_normal,
        "random.uniform": random_uniform,
    }


class _TFDType:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"tf.{self.name}"

    def __str__(self):
        return self.name


def make_tensorflow():
    tf = StubModule("tensorflow")
    tf.__version__ = "2.21.0"
    tf.executing_eagerly = lambda: True
    for cls in ("TensorShape", "DType", "TypeSpec", "Tensor", "Variable", "SparseTensor", "RaggedTensor", "Module"):
        setattr(tf, cls, stub_class(f"tensorflow.{cls}"))
    for dt in ("float16", "bfloat16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool", "string"):
        setattr(tf, dt, _TFDType(dt))
    subs = {}
    for dotted, fn in _tf_ops().items():
        parts = dotted.split(".")
        target = tf
        for i, part in enumerate(parts[:-1]):
            key = ".".join(parts[: i + 1])
            if key not in subs:
                subs[key] = StubModule(f"tensorflow.{key}")
                setattr(target, part, subs[key])
            target = subs[key]
        setattr(target, parts[-1], _tf_function(dotted, fn))
    for key, mod in subs.items():
        sys.modules[f"tensorflow.{key}"] = mod
    tf.data = StubModule("tensorflow.data")
    tf.data.AUTOTUNE = -1
    tf.data.experimental = StubModule("tensorflow.data.experimental")
    tf.data.experimental.AUTOTUNE = -1
    tf.data.Dataset = stub_class("tensorflow.data.Dataset")
    sys.modules["tensorflow.data"] = tf.data
    sys.modules["tensorflow.data.experimental"] = tf.data.experimental
    import keras._tf_keras.keras as tf_keras

    tf.keras = tf_keras
    return tf


class SandboxFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """tensorflow -> the shim; tensorflow.keras.X -> Keras 3's tf.keras; anything not installed -> a stand-in."""

    def __init__(self, stub_everything_missing):
        self.stub_everything_missing = stub_everything_missing
        self.stubbed = set()
        self.real_specs = {}

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] in ("tensorflow", "keras_core"):
            return importlib.machinery.ModuleSpec(fullname, self)
        return None

    def create_module(self, spec):
        name = spec.name
        if name == "tensorflow":
            return make_tensorflow()
        if name == "keras_core" or name.startswith("keras_core."):
            # Keras Core was Keras 3's pre-release name (keras_core.operations became keras.ops).
            return self.alias(importlib.import_module("keras" + name[len("keras_core"):].replace(".operations", ".ops")))
        if name == "tensorflow.keras" or name.startswith("tensorflow.keras."):
            return self.alias(importlib.import_module("keras._tf_keras.keras" + name[len("tensorflow.keras"):]))
        if name.startswith("tensorflow."):
            parent = sys.modules.get(name.rsplit(".", 1)[0])
            existing = getattr(parent, name.rsplit(".", 1)[1], None) if parent else None
            if isinstance(existing, types.ModuleType):
                return existing
        self.stubbed.add(name.split(".")[0])
        return StubModule(name)

    def alias(self, module):
        # The import system sets __spec__ on what create_module returns: keep the real module's.
        self.real_specs[id(module)] = module.__spec__
        return module

    def exec_module(self, module):
        if id(module) in self.real_specs:
            module.__spec__ = self.real_specs.pop(id(module))


INSTALLED = ("keras", "tensorflow", "numpy", "jax", "jaxlib", "scipy", "h5py", "ml_dtypes", "optree", "absl", "rich", "namex")


class LastFinder(importlib.abc.MetaPathFinder):
    def __init__(self, sandbox):
        self.sandbox = sandbox

    def find_spec(self, fullname, path=None, target=None):
        # Only reached when no real finder found the module (this finder is the last one).
        top = fullname.split(".")[0]
        if not self.sandbox.stub_everything_missing or top in INSTALLED:
            return None
        return importlib.machinery.ModuleSpec(fullname, self.sandbox)


# --------------------------------------------------------------------------------------------
# Keras without training or downloads
# --------------------------------------------------------------------------------------------

DATASETS = {
    # name: ((x_train, y_train), (x_test, y_test)) shapes, number of classes
    "mnist": ((((60000, 28, 28), (60000,)), ((10000, 28, 28), (10000,))), 10),
    "fashion_mnist": ((((60000, 28, 28), (60000,)), ((10000, 28, 28), (10000,))), 10),
    "cifar10": ((((50000, 32, 32, 3), (50000, 1)), ((10000, 32, 32, 3), (10000, 1))), 10),
    "cifar100": ((((50000, 32, 32, 3), (50000, 1)), ((10000, 32, 32, 3), (10000, 1))), 100),
    "boston_housing": ((((404, 13), (404,)), ((102, 13), (102,))), 0),
    "california_housing": ((((16512, 8), (16512,)), ((4128, 8), (4128,))), 0),
}


def patch_keras(models_seen):
    import numpy as np
    import keras
    from keras.src.models.model import Model
    from keras.src.models.sequential import Sequential

    def nothing(name, result=None):
        def f(*args, **kwargs):
            _touch()
            return Anything(name) if result is None else result

        return f

    # Weights start as zeros: drawing them from their initializers would compile one JAX program per
    # shape (minutes for a U-Net) and their values never matter here.
    from keras.src.backend.common.variables import Variable

    def zeros_instead(self, initializer):
        self._initialize(self._convert_to_tensor(np.zeros(self._shape, dtype=self._dtype)))

    Variable._initialize_with_initializer = zeros_instead
    jax_core = importlib.import_module("keras.src.backend.jax.core")
    jax_core.Variable._initialize_with_initializer = zeros_instead

    for method in ("fit", "evaluate", "predict", "train_on_batch", "test_on_batch", "predict_on_batch", "save", "save_weights", "load_weights", "export"):
        setattr(Model, method, nothing(f"model.{method}"))

    original_new = Model.__new__
    sequential_py = importlib.import_module("keras.src.models.sequential").__file__

    def recording_new(cls, *args, **kwargs):
        obj = original_new(cls, *args, **kwargs)
        # A Sequential (re)builds an internal Functional: not a model of the file.
        internal = any(f.filename == sequential_py and f.name != "__new__" for f in traceback.extract_stack())
        if not internal and not any(m is obj for m, _ in models_seen):
            models_seen.append((obj, corpus_line()))
        return obj

    Model.__new__ = recording_new

    replacements = {}

    def load_data_for(name, shapes, classes):
        # Zero images; labels cycle through every class (scripts loop over the classes they find).
        def labels(shape):
            if not classes:
                return np.zeros(shape, "float32")
            return (np.arange(int(np.prod(shape))) % classes).astype("uint8").reshape(shape)

        def load_data(*args, **kwargs):
            (xa, ya), (xb, yb) = shapes
            return (np.zeros(xa, "uint8"), labels(ya)), (np.zeros(xb, "uint8"), labels(yb))

        return load_data

    for name, (shapes, classes) in DATASETS.items():
        mod = importlib.import_module(f"keras.src.datasets.{name}")
        replacements[mod.load_data] = load_data_for(name, shapes, classes)

    def get_file(fname=None, origin=None, *args, **kwargs):
        base = fname or (origin or "file").rstrip("/").split("/")[-1]
        return os.path.join("/nonexistent-corpus-data", str(base))

    from keras.src.utils import file_utils, image_utils, image_dataset_utils, model_visualization

    replacements[file_utils.get_file] = get_file
    replacements[image_dataset_utils.image_dataset_from_directory] = nothing("image_dataset_from_directory")
    replacements[image_utils.load_img] = nothing("load_img")
    replacements[image_utils.img_to_array] = nothing("img_to_array")
    replacements[image_utils.array_to_img] = nothing("array_to_img")
    replacements[image_utils.save_img] = nothing("save_img")
    replacements[model_visualization.plot_model] = nothing("plot_model")
    for extra in ("text_dataset_utils.text_dataset_from_directory", "audio_dataset_utils.audio_dataset_from_directory", "timeseries_dataset_utils.timeseries_dataset_from_array"):
        modname, fn = extra.split(".")
        try:
            mod = importlib.import_module(f"keras.src.utils.{modname}")
            replacements[getattr(mod, fn)] = nothing(fn)
        except Exception:
            pass

    # Replace the functions everywhere Keras exports them (keras.utils, keras.preprocessing, tf.keras ...).
    import keras._tf_keras.keras  # noqa: F401

    for modname, mod in list(sys.modules.items()):
        if not modname.startswith("keras") or mod is None:
            continue
        for attr, value in list(vars(mod).items()):
            try:
                if value in replacements:
                    setattr(mod, attr, replacements[value])
            except TypeError:
                continue


_corpus_file = [None]


def corpus_line(tb=None):
    """The innermost line of the corpus file on the stack (or in a traceback)."""
    if tb is not None:
        frames = [(f.filename, f.lineno) for f in traceback.extract_tb(tb)]
    else:
        frames = [(f.filename, f.lineno) for f in traceback.extract_stack()]
    lines = [line for filename, line in frames if filename == _corpus_file[0]]
    return lines[-1] if lines else None


# --------------------------------------------------------------------------------------------
# Recording
# --------------------------------------------------------------------------------------------


def shape_of(tensor_struct):
    from keras import tree

    flat = tree.flatten(tensor_struct)
    shapes = [list(t.shape) for t in flat]
    return shapes[0] if len(shapes) == 1 else shapes


def count(weights):
    import numpy as np

    return int(sum(int(np.prod(w.shape)) for w in weights))


def own_nodes(model):
    from keras.src.models.functional import Functional
    from keras.src.models.sequential import Sequential

    if isinstance(model, Sequential):
        model = model._functional
    if isinstance(model, Functional):
        return model._nodes
    return None


def layer_record(layer, nodes):
    from keras.src.ops.function import make_node_key

    record = {"name": layer.name, "class": layer.__class__.__name__}
    shape = None
    calls = 0
    if nodes is not None:
        for i, node in enumerate(layer._inbound_nodes):
            if make_node_key(layer, i) in nodes:
                calls += 1
                if shape is None:
                    shape = shape_of(node.output_tensors)
    if shape is None and getattr(layer, "_build_shapes_dict", None) and nodes is None:
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                out = layer.compute_output_shape(**layer._build_shapes_dict)
            shape = list(out) if isinstance(out, tuple) and all(d is None or isinstance(d, int) for d in out) else None
        except Exception:
            shape = None
    record["shape"] = shape
    if calls > 1:
        record["calls"] = calls
    record["trainable"] = count(layer.trainable_weights)
    record["nonTrainable"] = count(layer.non_trainable_weights)
    return record


def model_record(model, line):
    from keras.src.models.functional import Functional
    from keras.src.models.sequential import Sequential

    kind = "sequential" if isinstance(model, Sequential) else "functional" if isinstance(model, Functional) else "subclassed"
    record = {"name": model.name, "class": model.__class__.__name__, "kind": kind, "line": line, "built": bool(model.built)}
    if not model.built:
        return record
    nodes = own_nodes(model)
    record["layers"] = [layer_record(layer, nodes) for layer in model.layers]
    trainable = count(model.trainable_weights)
    non_trainable = count(model.non_trainable_weights)
    record["totals"] = {"params": trainable + non_trainable, "trainable": trainable, "nonTrainable": non_trainable}
    return record


# --------------------------------------------------------------------------------------------
# Running one file
# --------------------------------------------------------------------------------------------


def is_keras_error(exc, touched):
    """Raised by Keras itself (not by the sandbox, nor a plain Python error outside Keras)?"""
    if isinstance(exc, KerasTensorInTensorFlow):
        return True
    if touched or isinstance(exc, (OSError, NameError)):
        return False
    if isinstance(exc, ImportError):
        name = exc.name or ""
        return name.startswith("keras") or name.startswith("tensorflow.keras")
    if isinstance(exc, AttributeError):
        obj = getattr(exc, "obj", None)
        owner = obj.__name__ if isinstance(obj, types.ModuleType) else type(obj).__module__
        return (owner or "").startswith("keras")
    keras_dir = os.path.dirname(importlib.import_module("keras").__file__)
    frames = traceback.extract_tb(exc.__traceback__)
    # A TensorFlow function of the shim given data (not a KerasTensor): the shim's failure, not Keras'.
    if any(f.filename == _tf_function.__code__.co_filename and f.name == "wrapper" for f in frames):
        return False
    if any(f.filename.startswith(keras_dir) for f in frames):
        return True
    # A call that Python refused before entering a Keras function (wrong arguments to a layer).
    if isinstance(exc, TypeError) and frames and frames[-1].filename == _corpus_file[0]:
        return "keras" in repr(exc) or any(w in str(exc) for w in ("__init__()", "__new__()"))
    return False


# Files whose first Keras error stops the models they go on to build or change, with that error fixed
# as ConvLens' message says (each replacement stays on its line). ConvLens goes on past an error, so
# its models are compared with truth/<file>.fixed.json, what Keras builds from the fixed file.
FIXES = {
    "adl_dcgan_mnist.py": [("RMSprop(lr=", "RMSprop(learning_rate=")],
}


def fixed_source(name, source):
    for old, new in FIXES[name]:
        if old not in source:
            raise SystemExit(f"{name}: the fix {old!r} -> {new!r} no longer applies")
        source = source.replace(old, new)
    return source


def run_file(path, models_seen, sandbox, fixed=False):
    source = open(path, encoding="utf-8").read()
    if fixed:
        source = fixed_source(os.path.basename(path), source)
    tree = ast.parse(source, filename=path)
    namespace = {"__name__": "__main__", "__file__": path, "__builtins__": builtins}
    skipped = []
    error = None

    def run(statements):
        nonlocal error
        for stmt in statements:
            if error is not None:
                return
            if isinstance(stmt, ast.If):
                before = _touched[0]
                try:
                    taken = eval(compile(ast.Expression(stmt.test), path, "eval"), namespace)
                except Exception as exc:  # noqa: BLE001
                    skipped.append({"line": stmt.lineno, "type": type(exc).__name__, "message": str(exc)[:200]})
                    continue
                if _touched[0] == before:
                    run(stmt.body if taken else stmt.orelse)
                    continue
            before = _touched[0]
            try:
                code = compile(ast.Module(body=[stmt], type_ignores=[]), path, "exec")
                exec(code, namespace)
            except SystemExit:
                return
            except BaseException as exc:  # noqa: BLE001
                if isinstance(exc, KeyboardInterrupt):
                    raise
                touched = _touched[0] != before
                line = corpus_line(exc.__traceback__) or stmt.lineno
                entry = {"line": line, "statementLine": stmt.lineno, "type": type(exc).__name__, "message": str(exc).strip().split("\n")[0][:300]}
                if os.environ.get("CORPUS_DEBUG"):
                    traceback.print_exception(exc, file=sys.__stderr__)
                if is_keras_error(exc, touched):
                    error = entry
                    return
                skipped.append(entry)

    lines_run = set()

    def line_tracer(frame, event, arg):
        if event == "line":
            lines_run.add(frame.f_lineno)
        return line_tracer

    def file_frames_only(frame, event, arg):
        # Only the corpus file's own frames are traced line by line: Keras and JAX run untraced.
        if frame.f_code.co_filename != path:
            return None
        lines_run.add(frame.f_lineno)
        return line_tracer

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        sys.settrace(file_frames_only)
        try:
            run(tree.body)
        finally:
            sys.settrace(None)
    return error, skipped, sorted(lines_run)


def child(name, out_path, fixed=False):
    import warnings

    warnings.simplefilter("ignore")
    path = os.path.join(FILES, name)
    _corpus_file[0] = path
    sandbox = SandboxFinder(stub_everything_missing=True)
    sys.meta_path.insert(0, sandbox)  # tensorflow and tensorflow.keras
    sys.meta_path.append(LastFinder(sandbox))  # anything not installed, once Keras is loaded
    sandbox.stub_everything_missing = False
    import keras

    models_seen = []
    patch_keras(models_seen)
    sandbox.stub_everything_missing = True
    sys.argv = [path]
    os.chdir(os.path.dirname(path))
    started = time.time()
    error, skipped, lines_run = run_file(path, models_seen, sandbox, fixed)
    from keras.src.models.sequential import Sequential

    internal = {id(m._functional) for m, _ in models_seen if isinstance(m, Sequential) and m._functional is not None}
    models = []
    for model, line in models_seen:
        if id(model) in internal:
            continue
        try:
            models.append(model_record(model, line))
        except Exception as exc:  # noqa: BLE001
            models.append({"name": getattr(model, "name", "?"), "class": model.__class__.__name__, "line": line, "built": False, "recordError": str(exc)[:200]})
    result = {
        "file": name,
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
        "seconds": round(time.time() - started, 1),
        "models": models,
        "error": error,
        "skipped": skipped,
        "standIns": sorted(sandbox.stubbed),
        "linesRun": lines_run,
    }
    if fixed:
        result["fixes"] = FIXES[name]
    with open(out_path, "w") as f:
        json.dump(result, f)


def machine_paths_out(text):
    """Error messages name files on this machine: keep the truths free of them."""
    import re

    text = re.sub(r"/[^\s'\"()]*/site-packages/", "<site-packages>/", text)
    return text.replace(FILES + os.sep, "")


def write_layer_names():
    """keras.layers' class names (and Input), for the unknown-values test: its calls are layer calls."""
    code = (
        "import json, keras, inspect\n"
        "names = sorted(n for n, v in vars(keras.layers).items() if inspect.isclass(v) and issubclass(v, keras.layers.Layer))\n"
        "print(json.dumps(['Input'] + names))\n"
    )
    env = dict(os.environ, KERAS_BACKEND="jax", JAX_PLATFORMS="cpu")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    with open(os.path.join(CORPUS, "keras_layer_names.json"), "w") as f:
        f.write(out.strip() + "\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*")
    parser.add_argument("--child", nargs=2, metavar=("FILE", "OUT"))
    parser.add_argument("--fixed", action="store_true", help="(child) run the file with its FIXES applied")
    args = parser.parse_args()
    if args.child:
        child(*args.child, fixed=args.fixed)
        return
    write_layer_names()
    manifest = json.load(open(os.path.join(CORPUS, "manifest.json")))
    names = [e["file"] for e in manifest["files"]]
    if args.files:
        names = [os.path.basename(f) for f in args.files]
    os.makedirs(TRUTH, exist_ok=True)
    env = dict(os.environ, KERAS_BACKEND="jax", JAX_PLATFORMS="cpu", TF_CPP_MIN_LOG_LEVEL="3")
    runs = [(name, False) for name in names] + [(name, True) for name in names if name in FIXES]
    for name, fixed in runs:
        out = os.path.join(TRUTH, name[:-3] + (".fixed.json" if fixed else ".json"))
        tmp = out + ".tmp"
        started = time.time()
        try:
            proc = subprocess.run([sys.executable, __file__, "--child", name, tmp] + (["--fixed"] if fixed else []), env=env, capture_output=True, text=True, timeout=TIME_LIMIT_S)
            if proc.returncode != 0 or not os.path.exists(tmp):
                print(f"{name}: the run failed\n{proc.stderr[-3000:]}", file=sys.stderr)
                continue
        except subprocess.TimeoutExpired:
            print(f"{name}: over {TIME_LIMIT_S} s", file=sys.stderr)
            continue
        result = json.loads(machine_paths_out(open(tmp).read()))
        os.remove(tmp)
        result.pop("seconds", None)
        with open(out, "w") as f:
            json.dump(result, f, separators=(",", ":"))
            f.write("\n")
        built = [m for m in result["models"] if m.get("built")]
        err = result["error"]
        print(
            f"{name}{' (fixed)' if fixed else ''}: {len(result['models'])} models ({len(built)} built: {', '.join(m['name'] for m in built)}), "
            f"{sum(len(m['layers']) for m in built)} layers, "
            f"error: {err['type'] + ' at line ' + str(err['line']) if err else 'none'}, skipped {len(result['skipped'])} "
            f"[{time.time() - started:.0f} s]"
        )


if __name__ == "__main__":
    main()
