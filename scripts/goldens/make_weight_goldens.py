"""Writes the weight goldens in test/goldens/weights/ with real Keras 3 (JAX backend).

For each case file test/goldens/weights/cases/<case>.py (a static Keras model source that binds
`model`), this builds the model, gives it seeded random weights, and saves it with Keras itself:

  <case>.weights.h5         model.save_weights (Keras 3 layout)
  <case>.keras              model.save (Keras 3 archive)
  <case>.legacy.h5          model.save("....h5") (Keras' legacy full-model HDF5)
  <case>.legacy-weights.h5  Keras 2 weights-only layout, written by Keras' own
                            legacy_h5_format.save_weights_to_hdf5_group
  <case>.input.npy          a seeded float32 input, batch 2
  <case>.output.npy         model.predict on that input (float32)

Every file is loaded back into a freshly built model (or with keras.saving.load_model) and its
prediction compared with <case>.output.npy. What Keras did (layer list, parameter counts, the
dataset paths in each HDF5 file, what it refused) goes into manifest.json.

Run through scripts/goldens/make_weight_goldens.sh (KERAS_BACKEND=jax, the .keras-oracle venv).
Usage: make_weight_goldens.py [CASE ...]   (default: all cases; the manifest keeps other cases)
"""

import json
import os
import sys
import tempfile
import traceback
import warnings
import zipfile
import io

if os.environ.get("KERAS_BACKEND") != "jax":
    sys.exit("run with KERAS_BACKEND=jax (use scripts/goldens/make_weight_goldens.sh)")

import h5py  # noqa: E402
import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras.src.legacy.saving import legacy_h5_format  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "goldens", "weights")
CASES_DIR = os.path.join(OUT, "cases")

# Case name -> seed (weights use SEED, the input SEED + 1). Fixed so regenerating gives the same
# numbers.
SEEDS = {
    "named_convs": 1001,
    "twelve_same_convs": 1002,
    "auto_named": 1003,
    "conv_kinds": 1004,
    "nested_sequential": 1005,
    "nested_functional": 1006,
    "custom_layer": 1007,
    "subclassed_model": 1008,
    "shared_layer": 1009,
    "channels_first": 1010,
}
BATCH = 2
# Keras writes these files but keras.saving.load_model cannot read them back (recorded in the
# manifest as verify.<file>.load_model_refused; load_weights into a fresh model is still checked).
LOAD_MODEL_REFUSALS = {("subclassed_model", "legacy_h5")}
WEIGHT_SCALE = 0.3
RTOL, ATOL = 1e-5, 1e-6


def build(case):
    """Fresh Keras session (so auto-generated names restart at conv2d), then exec the case file."""
    keras.backend.clear_session()
    path = os.path.join(CASES_DIR, case + ".py")
    namespace = {"__name__": "convlens_golden_" + case, "__file__": path}
    with open(path) as f:
        code = compile(f.read(), path, "exec")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        exec(code, namespace)
    model = namespace["model"]
    notes = [str(w.message) for w in caught]
    if not model.weights and build_input_shape(model):
        # A subclassed model: Keras 3's default Model.build(shape) only marks it built and creates
        # no variables, so call it once (eagerly) on zeros of the build shape.
        shape = build_input_shape(model)
        model(keras.ops.zeros([1] + shape[1:]))
        notes.append(
            f"model.build({tuple(shape)}) in the case file created no variables; "
            f"the generator called model(keras.ops.zeros({tuple([1] + shape[1:])})) to build it"
        )
    custom = {
        k: v
        for k, v in namespace.items()
        if isinstance(v, type)
        and issubclass(v, keras.layers.Layer)
        and v.__module__ == namespace["__name__"]
    }
    return model, custom, notes


def build_input_shape(model):
    if getattr(model, "_build_shapes_dict", None):
        shape = next(iter(model._build_shapes_dict.values()))
        return [None if d is None else int(d) for d in shape]
    return None


def randomize(model, seed):
    if not model.weights:
        raise RuntimeError(f"model {model.name} has no variables after building")
    rng = np.random.default_rng(seed)
    for v in model.weights:
        shape = tuple(v.shape)
        if v.name == "moving_variance":
            value = rng.uniform(0.5, 1.5, size=shape)
        else:
            value = rng.normal(0.0, WEIGHT_SCALE, size=shape)
        v.assign(value.astype(v.dtype))


def predict(model, x):
    return np.asarray(model.predict(x, batch_size=BATCH, verbose=0), dtype=np.float32)


def shape_list(shape):
    return [None if d is None else int(d) for d in shape]


def n_params(weights):
    return int(sum(int(np.prod(w.shape)) for w in weights))


def layer_output_shape(layer):
    """layer.output's shape; a layer called more than once gets one shape per call (a list of
    lists) unless all calls agree."""
    try:
        return shape_list(layer.output.shape)
    except Exception:
        pass
    shapes = []
    for node in getattr(layer, "_inbound_nodes", []):
        outs = node.output_tensors
        shapes.append(shape_list(outs[0].shape) if len(outs) == 1 else [shape_list(t.shape) for t in outs])
    if not shapes:
        return None
    if all(s == shapes[0] for s in shapes):
        return shapes[0]
    return shapes


def traced_output_shapes(model, x):
    """Output shape of each of model.layers seen during an eager call (batch dim -> null), for
    layers that have no symbolic output (the sublayers of a subclassed model)."""
    seen = {}
    for layer in model.layers:
        original = layer.call

        def recorder(*args, _layer=layer, _original=original, **kwargs):
            y = _original(*args, **kwargs)
            seen.setdefault(id(_layer), []).append([None] + [int(d) for d in y.shape[1:]])
            return y

        layer.call = recorder
    try:
        model(x)
    finally:
        for layer in model.layers:
            del layer.call
    return seen


def layer_records(model, x):
    out = []
    traced = None
    for layer in model.layers:
        shape = layer_output_shape(layer)
        source = "layer.output"
        if shape is None:
            if traced is None:
                traced = traced_output_shapes(model, x[:1])
            shapes = traced.get(id(layer), [])
            shape = shapes[0] if shapes and all(s == shapes[0] for s in shapes) else (shapes or None)
            source = "eager call (batch -> null)"
        rec = {
            "name": layer.name,
            "class_name": layer.__class__.__name__,
            "output_shape": shape,
            "trainable_params": n_params(layer.trainable_weights),
            "non_trainable_params": n_params(layer.non_trainable_weights),
        }
        calls = len(getattr(layer, "_inbound_nodes", []))
        if calls > 1:
            rec["calls"] = calls
        if source != "layer.output":
            rec["output_shape_source"] = source
        out.append(rec)
    return out


def decode(v):
    if isinstance(v, bytes):
        return v.decode("utf8")
    if isinstance(v, np.ndarray):
        return [decode(x) for x in v.tolist()]
    if isinstance(v, (np.integer,)):
        return int(v)
    return v


def h5_datasets(h5):
    """Every dataset under an open h5py File/Group in h5py.visititems order."""
    found = []

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            parent = obj.parent
            found.append(
                {
                    "path": name,
                    "shape": [int(d) for d in obj.shape],
                    "dtype": str(obj.dtype),
                    "layer_name": decode(parent.attrs["name"]) if "name" in parent.attrs else None,
                }
            )

    h5.visititems(visit)
    return found


def keras3_vars(path_or_file):
    with h5py.File(path_or_file, "r") as f:
        return h5_datasets(f)


def legacy_layout(h5):
    """The Keras 2 weights layout: layer_names (file attr, model.layers order) and, per layer group,
    weight_names (group attr), plus every dataset path."""
    layer_names = decode(h5.attrs["layer_names"]) if "layer_names" in h5.attrs else None
    layers = []
    for name in layer_names or []:
        g = h5[name]
        layers.append({"name": name, "weight_names": decode(g.attrs["weight_names"]) if "weight_names" in g.attrs else []})
    top = h5.get("top_level_model_weights")
    return {
        "layer_names": layer_names,
        "layers": layers,
        "top_level_model_weights": decode(top.attrs["weight_names"]) if top is not None and "weight_names" in top.attrs else None,
        "attrs": {k: decode(v) for k, v in h5.attrs.items() if k not in ("layer_names",)},
        "datasets": [{k: d[k] for k in ("path", "shape", "dtype")} for d in h5_datasets(h5)],
    }


def compare(expected, got):
    diff = float(np.max(np.abs(expected.astype(np.float64) - got.astype(np.float64))))
    ok = bool(np.allclose(expected, got, rtol=RTOL, atol=ATOL))
    return ok, diff


def err_text(e):
    return f"{type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}"


def check_fresh_load(case, x, expected, load):
    """Build a fresh model, check its prediction differs before loading, load, compare."""
    fresh, _, _ = build(case)
    before = predict(fresh, x)
    differs_before = not np.allclose(before, expected, rtol=RTOL, atol=ATOL)
    load(fresh)
    ok, diff = compare(expected, predict(fresh, x))
    return {"ok": ok and differs_before, "max_abs_diff": diff, "fresh_differed_before_load": differs_before, "method": None}


def check_load_model(case, x, expected, path):
    _, custom, _ = build(case)  # registers the case's classes again
    keras.backend.clear_session()  # so auto-generated names in the loaded model restart too
    loaded = keras.saving.load_model(path, custom_objects=custom, compile=False)
    ok, diff = compare(expected, predict(loaded, x))
    return {"ok": ok, "max_abs_diff": diff, "loaded_layer_names": [layer.name for layer in loaded.layers]}


def make_case(case):
    seed = SEEDS[case]
    model, _, notes = build(case)
    randomize(model, seed)
    input_shape = shape_list(model.inputs[0].shape) if getattr(model, "inputs", None) else build_input_shape(model)
    rng = np.random.default_rng(seed + 1)
    x = rng.standard_normal([BATCH] + input_shape[1:]).astype(np.float32)
    expected = predict(model, x)
    np.save(os.path.join(OUT, case + ".input.npy"), x)
    np.save(os.path.join(OUT, case + ".output.npy"), expected)

    layers = layer_records(model, x)
    rec = {
        "source": f"cases/{case}.py",
        "seed": seed,
        "input_shape": input_shape,
        "input": f"{case}.input.npy",
        "output": f"{case}.output.npy",
        "output_shape": [int(d) for d in expected.shape],
        "model_name": model.name,
        "model_class": model.__class__.__name__,
        "notes": notes,
        "files": {},
        "refused": {},
        "verify": {},
        "layers": layers,
        "total_params": int(model.count_params()),
        "trainable_params": n_params(model.trainable_weights),
        "non_trainable_params": n_params(model.non_trainable_weights),
        "weights": [{"path": v.path, "shape": [int(d) for d in v.shape], "trainable": bool(v.trainable)} for v in model.weights],
    }

    def attempt(key, filename, save, verify):
        path = os.path.join(OUT, filename)
        if os.path.exists(path):
            os.remove(path)
        try:
            save(path)
        except Exception as e:  # Keras refused: record why
            if os.path.exists(path):
                os.remove(path)
            rec["files"][key] = None
            rec["refused"][key] = err_text(e)
            print(f"  {key}: Keras refused: {err_text(e)}")
            return False
        rec["files"][key] = filename
        try:
            result = verify(path)
        except Exception as e:
            traceback.print_exc()
            result = {"ok": False, "error": err_text(e)}
        rec["verify"][key] = result
        print(f"  {key}: {filename} round-trip {'ok' if result.get('ok') else 'FAILED'} {result.get('max_abs_diff', result.get('error'))}")
        return True

    # Keras 3 weights-only.
    if attempt(
        "weights_h5",
        case + ".weights.h5",
        lambda p: model.save_weights(p),
        lambda p: {**check_fresh_load(case, x, expected, lambda m: m.load_weights(p)), "method": "fresh.load_weights"},
    ):
        rec["h5_vars"] = keras3_vars(os.path.join(OUT, case + ".weights.h5"))

    # Keras 3 archive.
    def verify_keras(p):
        r = check_load_model(case, x, expected, p)
        r["method"] = "keras.saving.load_model"
        r2 = check_fresh_load(case, x, expected, lambda m: m.load_weights(p))
        r["load_weights_into_fresh"] = {"ok": r2["ok"], "max_abs_diff": r2["max_abs_diff"]}
        r["ok"] = r["ok"] and r2["ok"]
        with zipfile.ZipFile(p) as z:
            r["archive_members"] = sorted(z.namelist())
            inner = z.read("model.weights.h5")
        r["inner_weights_h5_same_vars_as_weights_h5"] = keras3_vars(io.BytesIO(inner)) == rec.get("h5_vars")
        return r

    attempt("keras", case + ".keras", lambda p: model.save(p), verify_keras)

    # Legacy full-model HDF5.
    def verify_legacy(p):
        try:
            r = check_load_model(case, x, expected, p)
        except Exception as e:
            if (case, "legacy_h5") not in LOAD_MODEL_REFUSALS:
                raise
            r = {"ok": True, "load_model_refused": err_text(e)}
            r["max_abs_diff"] = None
            rec["notes"].append(f"{case}.legacy.h5 is written by Keras, but keras.saving.load_model refuses it: {err_text(e)}")
            print(f"  legacy_h5: keras.saving.load_model refused (expected): {err_text(e)}")
        r["method"] = "keras.saving.load_model"
        r2 = check_fresh_load(case, x, expected, lambda m: m.load_weights(p))
        r["load_weights_into_fresh"] = {"ok": r2["ok"], "max_abs_diff": r2["max_abs_diff"]}
        r["ok"] = r["ok"] and r2["ok"]
        return r

    if attempt("legacy_h5", case + ".legacy.h5", lambda p: model.save(p), verify_legacy):
        with h5py.File(os.path.join(OUT, case + ".legacy.h5"), "r") as f:
            rec["legacy_h5_layout"] = legacy_layout(f["model_weights"])

    # Keras 2 weights-only layout, written by Keras' own legacy code (what Keras 2's
    # model.save_weights("x.h5") wrote); Keras 3 reads it with model.load_weights on a .h5 name.
    def save_legacy_weights(p):
        with h5py.File(p, "w") as f:
            legacy_h5_format.save_weights_to_hdf5_group(f, model)

    if attempt(
        "legacy_weights_h5",
        case + ".legacy-weights.h5",
        save_legacy_weights,
        lambda p: {**check_fresh_load(case, x, expected, lambda m: m.load_weights(p)), "method": "fresh.load_weights"},
    ):
        with h5py.File(os.path.join(OUT, case + ".legacy-weights.h5"), "r") as f:
            rec["legacy_weights_h5_layout"] = legacy_layout(f)

    # What Keras 3 itself does with model.save_weights on a plain .h5 name (for the record).
    with tempfile.TemporaryDirectory() as tmp:
        try:
            model.save_weights(os.path.join(tmp, case + ".h5"))
            rec["save_weights_plain_h5"] = "accepted"
        except Exception as e:
            rec["save_weights_plain_h5"] = "refused: " + err_text(e).replace(tmp + os.sep, "")
    return rec


def main():
    cases = sys.argv[1:] or list(SEEDS)
    unknown = [c for c in cases if c not in SEEDS]
    if unknown:
        sys.exit(f"unknown case(s): {unknown}")
    manifest_path = os.path.join(OUT, "manifest.json")
    manifest = {"cases": {}}
    if os.path.exists(manifest_path) and sys.argv[1:]:
        with open(manifest_path) as f:
            manifest = json.load(f)
    manifest["keras_version"] = keras.__version__
    manifest["backend"] = keras.backend.backend()
    manifest["numpy_version"] = np.__version__
    manifest["h5py_version"] = h5py.__version__
    manifest["generator"] = "scripts/goldens/make_weight_goldens.sh"
    manifest["weight_rule"] = (
        f"numpy default_rng(seed) over model.weights in order: moving_variance ~ uniform(0.5, 1.5), "
        f"everything else ~ normal(0, {WEIGHT_SCALE}); input ~ default_rng(seed + 1).standard_normal, batch {BATCH}"
    )
    manifest["tolerance"] = {"rtol": RTOL, "atol": ATOL}
    failed = []
    for case in cases:
        print(f"{case}:")
        rec = make_case(case)
        manifest["cases"][case] = rec
        if not all(v.get("ok") for v in rec["verify"].values()):
            failed.append(case)
    manifest["cases"] = {c: manifest["cases"][c] for c in SEEDS if c in manifest["cases"]}
    ordered = {k: manifest[k] for k in ("keras_version", "backend", "numpy_version", "h5py_version", "generator", "weight_rule", "tolerance", "cases")}
    with open(manifest_path, "w") as f:
        json.dump(ordered, f, indent=1)
        f.write("\n")
    if failed:
        sys.exit(f"round-trip failed for: {failed}")
    print("all round-trips ok")


if __name__ == "__main__":
    main()
